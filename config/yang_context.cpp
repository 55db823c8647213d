#include "config/yang_context.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace dmsc::config {

namespace {

// libyang's errors, one line each, with their data paths. libyang 2.1 words a path as 'Data
// location "/m:a/b[k='v']/c", line number 1.' or 'Schema location "/m:a/b".': keep the path.
std::string libyang_errors(const ly_ctx* context) {
  std::string text;
  for (const ly_err_item* e = ly_err_first(context); e != nullptr; e = e->next) {
    if (!text.empty()) text += "\n";
    std::string path = e->path ? e->path : "";
    if (const auto open = path.find('"'), close = path.rfind('"'); open != std::string::npos && close > open)
      path = path.substr(open + 1, close - open - 1);
    text += (path.empty() ? std::string("(no path)") : path) + ": " + (e->msg ? e->msg : "invalid");
  }
  return text.empty() ? "invalid data" : text;
}

}  // namespace

std::string yang_directory() {
  if (const char* dir = std::getenv("DMSC_YANG_DIR")) return dir;
  // The source tree's when running from a build tree, else where `cmake --install` or the
  // Debian package (prefix /usr) put them.
  for (const char* dir : {DMSC_YANG_DIR, DMSC_INSTALLED_YANG_DIR, "/usr/share/dmsc/yang"})
    if (access((std::string(dir) + "/dmsc-controld.yang").c_str(), R_OK) == 0) return dir;
  return DMSC_YANG_DIR;
}

Expected<YangDocument> YangDocument::parse(std::string_view json, const std::string& yang_dir, const char* module,
                                           const char* root) {
  ly_log_options(LY_LOSTORE);  // errors go to the context, not to stderr
  YangDocument document;
  ly_ctx* raw_context = nullptr;
  if (ly_ctx_new(yang_dir.c_str(), 0, &raw_context) != LY_SUCCESS) return Error{"cannot create a libyang context"};
  document.context_.reset(raw_context);
  if (ly_ctx_load_module(raw_context, module, nullptr, nullptr) == nullptr)
    return Error{std::string("YANG module ") + module + " not found in " + yang_dir + ": " + libyang_errors(raw_context)};
  lyd_node* raw_tree = nullptr;
  const std::string text(json);
  if (lyd_parse_data_mem(raw_context, text.c_str(), LYD_JSON, LYD_PARSE_STRICT, LYD_VALIDATE_PRESENT, &raw_tree) !=
      LY_SUCCESS)
    return Error{libyang_errors(raw_context)};
  document.tree_.reset(raw_tree);
  for (const lyd_node* node = raw_tree; node != nullptr; node = node->next)
    if (node->schema != nullptr && std::string_view(node->schema->name) == root) document.root_ = node;
  if (document.root_ == nullptr) return Error{std::string("/") + module + ":" + root + ": missing"};
  return document;
}

std::string path_of(const lyd_node* node) {
  char* text = lyd_path(node, LYD_PATH_STD, nullptr, 0);
  std::string path = text ? text : "?";
  std::free(text);
  return path;
}

const lyd_node* child(const lyd_node* parent, const char* name) {
  for (const lyd_node* node = lyd_child(parent); node != nullptr; node = node->next)
    if (node->schema != nullptr && std::string_view(node->schema->name) == name) return node;
  return nullptr;
}

std::vector<const lyd_node*> children(const lyd_node* parent, const char* name) {
  std::vector<const lyd_node*> nodes;
  for (const lyd_node* node = lyd_child(parent); node != nullptr; node = node->next)
    if (node->schema != nullptr && std::string_view(node->schema->name) == name) nodes.push_back(node);
  return nodes;
}

std::string value(const lyd_node* parent, const char* name) {
  const lyd_node* node = child(parent, name);
  return node ? lyd_get_value(node) : "";
}

}  // namespace dmsc::config
