// The probe catalog: data files in kprobe-defs (and --catalog DIR) loaded at run time.
//
// Format, one entry a section:
//   # comment
//   [tracepoint tcp:tcp_send_reset]
//   key = value
// A section names its kind (tracepoint, kprobe; drop_location and drop_function are data for
// --drop) and its name. Every key of every entry is checked when the file is loaded, against
// the one table of keys in catalog.cpp (which kinds take it, which values it takes), and the
// keys the tool interprets are parsed into typed members; every error names the file and line.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/point_keys.h"

namespace ftnt {

// `ret`: a kretprobe with --ret (yes) or on every run (always).
enum class ReturnProbe { None, WithRetOption, Always };

struct CatalogEntry {
    std::string kind;  // "tracepoint" | "kprobe" | "drop_location" | "drop_function"
    std::string name;  // "tcp:tcp_send_reset" or a function name
    std::map<std::string, std::string> keys;
    std::string file;
    int line = 0;
    // Typed when loaded:
    LifecycleRole lifecycle = LifecycleRole::None;
    DecodeAs decode = DecodeAs::None;
    ReturnProbe ret = ReturnProbe::None;
    std::vector<std::string> aliases;
    // `verdict_of_hooks`: netfilter hook functions that return this point's return.
    std::vector<std::string> verdict_of_hooks;
    bool infer_reason = false;  // `infer_reason = location`
    bool drops_inside = false;  // `drops_inside = yes`

    std::string get(const std::string& key, const std::string& fallback = "") const;
    std::string system() const;  // tracepoints: the part before ':'
    std::string event() const;   // tracepoints: the part after ':'
};

class Catalog {
  public:
    // The shipped catalog plus, when given, the user's --catalog directory. The shipped part
    // is $FTNETTRACE_CATALOG, else the directory default_catalog_dir() finds; when that does
    // not exist (and the variable is not set), the copy built into the binary.
    static Catalog load(const std::string& extra_dir);
    // The files of builtin_catalog.h, named "<built in>/NAME.def".
    void load_builtin();
    // Loads every *.def file of the directory, in name order: regular files of at most
    // 1 MB. Throws UsageError naming file:line for a bad entry.
    void load_directory(const std::string& dir);
    void load_text(const std::string& text, const std::string& file_name);
    const std::vector<CatalogEntry>& entries() const { return entries_; }
    // Where the entries came from: directories, or "built in (N files)", joined by ", ".
    const std::string& source() const { return source_; }
    std::vector<const CatalogEntry*> with(const std::string& key, const std::string& value) const;

  private:
    void check_whole_entries(std::size_t first) const;
    void add_source(const std::string& source);
    std::vector<CatalogEntry> entries_;
    std::string source_;
};

// The `lifecycle` key's word ("free", "clone", "entry"; "" for none), as path planning keeps it.
std::string lifecycle_word(LifecycleRole role);

// The kernel's character set for names that become tracefs paths or kprobe_events words:
// a system or event is letters, digits and '_' (not starting with a digit); a function may
// also hold '.' (compiler clones such as "tcp_v4_rcv.cold"). At most 255 bytes.
bool valid_event_name(const std::string& name);
bool valid_function_name(const std::string& name);

}  // namespace ftnt
