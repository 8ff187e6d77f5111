// Pages of a list: what every cursor at the C ABI is built on.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "engine/common/status.h"

namespace custdb {

// One record of a list and its position in it. Positions are opaque bytes
// that order the list; a list resumes strictly after a position.
struct PageItem {
  std::string position;
  std::string record;  // a finished FlatBuffers buffer
};

struct Page {
  std::vector<PageItem> items;
  // Where the next page starts: the position of the last entry examined,
  // which may be past the last item when entries were skipped.
  std::string last_position;
  bool done = false;  // nothing follows
};

// Reads at most `limit` items after `after` (empty: from the start).
using PageSource =
    std::function<Result<Page>(const std::string& after, size_t limit)>;

}  // namespace custdb
