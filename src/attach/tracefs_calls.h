// The libtracefs calls ftnettrace makes. libtracefs 1.6's header has inline functions that
// are not valid C++ (an int passed as an enum), so C++ code reaches it through this C file.
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tracefs_instance;
struct tracefs_dynevent;

struct tracefs_instance* ftnt_tracefs_instance_create(const char* name);
int ftnt_tracefs_instance_destroy(struct tracefs_instance* instance);
void ftnt_tracefs_instance_free(struct tracefs_instance* instance);
int ftnt_tracefs_instance_set_buffer_size(struct tracefs_instance* instance, size_t kb, int cpu);

// Makes libtracefs use this tracefs directory (the one the run found) instead of the first
// tracefs line of /proc/mounts. 0 or -1.
int ftnt_tracefs_use_dir(const char* dir);

// A kprobe (is_return 0) or kretprobe context, not yet in the kernel; NULL on error.
struct tracefs_dynevent* ftnt_kprobe_alloc(const char* group, const char* event,
                                           const char* function, const char* fetchargs,
                                           int is_return);
int ftnt_dynevent_create(struct tracefs_dynevent* event);
// Removes it from the kernel (not forced: an event still enabled somewhere stays, EBUSY).
int ftnt_dynevent_destroy(struct tracefs_dynevent* event);
void ftnt_dynevent_free(struct tracefs_dynevent* event);

// Every kprobe and kretprobe of the system (NULL-terminated; NULL when there is none), freed
// with ftnt_dynevent_list_free.
struct tracefs_dynevent** ftnt_kprobes_all(void);
void ftnt_dynevent_list_free(struct tracefs_dynevent** events);
// Its group, event name and probed address, each malloc'ed (free them); 0 or -1.
int ftnt_dynevent_names(struct tracefs_dynevent* event, char** group, char** name, char** address);

// The last entry of the top instance's error_log (malloc'ed), or NULL when it is empty.
char* ftnt_tracefs_error_last(void);

#ifdef __cplusplus
}
#endif
