// The probe catalog: data files in kprobe-defs (and --catalog DIR) loaded at run time.
//
// Format, one entry a section:
//   # comment
//   [tracepoint tcp:tcp_send_reset]
//   key = value
// A section names its kind (tracepoint, kprobe; drop_location and drop_function are data for
// --drop) and its name; keys are checked against the kind's known keys, and every error names
// the file and line.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ftnt {

struct CatalogEntry {
    std::string kind;  // "tracepoint" | "kprobe"
    std::string name;  // "tcp:tcp_send_reset" or a function name
    std::map<std::string, std::string> keys;
    std::string file;
    int line = 0;

    std::string get(const std::string& key, const std::string& fallback = "") const;
    std::string system() const;  // tracepoints: the part before ':'
    std::string event() const;   // tracepoints: the part after ':'
};

class Catalog {
  public:
    // The shipped catalog plus, when given, the user's --catalog directory.
    static Catalog load(const std::string& extra_dir);
    // Loads every *.def file of the directory, in name order: regular files of at most
    // 1 MB. Throws UsageError naming file:line for a bad entry.
    void load_directory(const std::string& dir);
    void load_text(const std::string& text, const std::string& file_name);
    const std::vector<CatalogEntry>& entries() const { return entries_; }
    std::vector<const CatalogEntry*> with(const std::string& key, const std::string& value) const;

  private:
    std::vector<CatalogEntry> entries_;
};

// The kernel's character set for names that become tracefs paths or kprobe_events words:
// a system or event is letters, digits and '_' (not starting with a digit); a function may
// also hold '.' (compiler clones such as "tcp_v4_rcv.cold"). At most 255 bytes.
bool valid_event_name(const std::string& name);
bool valid_function_name(const std::string& name);

}  // namespace ftnt
