// What the catalog's keys tell a path run about its points, by name: the meaning the tool
// needs is a key in the .def files, not a name checked in code.
#pragma once

#include <set>
#include <string>

#include "plan/catalog.h"

namespace ftnt {

class PathKeys {
  public:
    static PathKeys from_catalog(const Catalog& catalog);

    // `infer_reason = location`: on kernels without drop reasons (before 5.17) the point's
    // reason is the one its location stands for (drop-locations.def). `point`: the catalog
    // name ("skb:kfree_skb").
    bool infers_reason(const std::string& point) const;
    // `drops_inside = yes`: a NETFILTER_DROP free whose location ("nft_do_chain+0x1a/0x5d0")
    // lies in the point's function (or an alias) is that call's own drop.
    bool drops_inside(const std::string& location) const;

  private:
    std::set<std::string> infer_reason_;
    std::set<std::string> drops_inside_;  // function names
};

}  // namespace ftnt
