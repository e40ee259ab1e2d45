#include "attach/tracefs_calls.h"

#include <stdlib.h>
#include <string.h>
#include <tracefs.h>

struct tracefs_instance* ftnt_tracefs_instance_create(const char* name) {
    return tracefs_instance_create(name);
}

int ftnt_tracefs_instance_destroy(struct tracefs_instance* instance) {
    return tracefs_instance_destroy(instance);
}

void ftnt_tracefs_instance_free(struct tracefs_instance* instance) {
    tracefs_instance_free(instance);
}

int ftnt_tracefs_instance_set_buffer_size(struct tracefs_instance* instance, size_t kb, int cpu) {
    return tracefs_instance_set_buffer_size(instance, kb, cpu);
}

int ftnt_tracefs_use_dir(const char* dir) {
    char* copy = strdup(dir);  // libtracefs 1.6 takes a char * and copies it
    if (!copy) return -1;
    int result = tracefs_set_tracing_dir(copy);
    free(copy);
    return result;
}

struct tracefs_dynevent* ftnt_kprobe_alloc(const char* group, const char* event,
                                           const char* function, const char* fetchargs,
                                           int is_return) {
    if (is_return) return tracefs_kretprobe_alloc(group, event, function, fetchargs, 0);
    return tracefs_kprobe_alloc(group, event, function, fetchargs);
}

int ftnt_dynevent_create(struct tracefs_dynevent* event) {
    return tracefs_dynevent_create(event);
}

int ftnt_dynevent_destroy(struct tracefs_dynevent* event) {
    return tracefs_dynevent_destroy(event, false);
}

void ftnt_dynevent_free(struct tracefs_dynevent* event) {
    tracefs_dynevent_free(event);
}

struct tracefs_dynevent** ftnt_kprobes_all(void) {
    return tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE, NULL);
}

void ftnt_dynevent_list_free(struct tracefs_dynevent** events) {
    tracefs_dynevent_list_free(events);
}

int ftnt_dynevent_names(struct tracefs_dynevent* event, char** group, char** name, char** address) {
    *group = *name = *address = NULL;
    enum tracefs_dynevent_type type =
        tracefs_dynevent_info(event, group, name, NULL, address, NULL);
    return type == TRACEFS_DYNEVENT_UNKNOWN ? -1 : 0;
}

char* ftnt_tracefs_error_last(void) {
    return tracefs_error_last(NULL);
}
