#pragma once
// A libyang context with one of our modules loaded, a JSON document parsed strictly and
// validated against it, and the helpers both loaders use to read the tree. Errors carry the
// data path libyang gives.

#include <libyang/libyang.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fib/expected.hpp"

namespace dmsc::config {

class YangDocument {
 public:
  // Loads `module` from `yang_dir`, parses and validates `json`; the root container `root`.
  static Expected<YangDocument> parse(std::string_view json, const std::string& yang_dir, const char* module,
                                      const char* root);
  const lyd_node* root() const { return root_; }

 private:
  struct ContextDeleter {
    void operator()(ly_ctx* context) const { ly_ctx_destroy(context); }
  };
  struct TreeDeleter {
    void operator()(lyd_node* tree) const { lyd_free_all(tree); }
  };
  std::unique_ptr<ly_ctx, ContextDeleter> context_;
  std::unique_ptr<lyd_node, TreeDeleter> tree_;
  const lyd_node* root_ = nullptr;
};

std::string yang_directory();
std::string path_of(const lyd_node* node);
const lyd_node* child(const lyd_node* parent, const char* name);
std::vector<const lyd_node*> children(const lyd_node* parent, const char* name);
// A leaf's canonical value; "" when absent.
std::string value(const lyd_node* parent, const char* name);

}  // namespace dmsc::config
