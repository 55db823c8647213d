// The reclamation contract: nothing retired is freed while a registered, online reader has not
// reported a quiescent state since; everything is freed once all have; offline readers do not
// hold anything back.
#include "fib/qsbr.hpp"

#include <gtest/gtest.h>

namespace dmsc::fib {
namespace {

void count_free(void*, void* context) { ++*static_cast<int*>(context); }

TEST(Qsbr, FreesOnlyAfterEveryOnlineReaderPassedAQuiescentState) {
  auto qsbr = std::move(*Qsbr::create(2));
  ASSERT_TRUE(qsbr->register_reader(0).ok());
  ASSERT_TRUE(qsbr->register_reader(1).ok());
  qsbr->online(0);
  qsbr->online(1);
  int freed = 0;
  qsbr->retire(nullptr, count_free, &freed);
  EXPECT_EQ(qsbr->poll(), 0u);
  qsbr->quiescent(0);
  EXPECT_EQ(qsbr->poll(), 0u);  // reader 1 may still hold it
  EXPECT_EQ(freed, 0);
  qsbr->quiescent(1);
  EXPECT_EQ(qsbr->poll(), 1u);
  EXPECT_EQ(freed, 1);
  EXPECT_EQ(qsbr->pending(), 0u);

  // A reader that went offline holds nothing back.
  qsbr->offline(1);
  qsbr->retire(nullptr, count_free, &freed);
  qsbr->poll();
  qsbr->quiescent(0);
  EXPECT_EQ(qsbr->poll(), 1u);
  EXPECT_EQ(freed, 2);
  qsbr->unregister_reader(0);
  qsbr->unregister_reader(1);
}

TEST(Qsbr, RejectsBadReaderIds) {
  EXPECT_FALSE(Qsbr::create(0).ok());
  auto qsbr = std::move(*Qsbr::create(2));
  auto status = qsbr->register_reader(2);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().find("max_readers"), std::string::npos);
}

}  // namespace
}  // namespace dmsc::fib
