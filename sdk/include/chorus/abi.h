/*
 * chorus plugin ABI, version 1.
 *
 * This is the only contract between the `chorus` host and a plugin shared library. It is plain
 * C so that a plugin may be built with another compiler or standard library than the host: no
 * C++ type, exception or allocator ever crosses it. Header-only: declarations.
 *
 * Versioning rules
 *  - Every struct starts with `struct_size` and is append-only. A reader checks that a field it
 *    wants lies inside `struct_size` before reading it (CHORUS_HAS_FIELD).
 *  - A host accepts a plugin whose ABI major equals its own and whose minor is not newer than
 *    its own. Anything else is refused with a message naming both versions.
 *  - Adding a field at the end of a struct bumps the minor; anything else bumps the major.
 *
 * Errors
 *  - Nothing throws across this boundary. Every function returns a chorus_status and, on
 *    failure, first calls host->set_error() with a human-readable message. A failure without a
 *    message is reported by the host as a plugin bug.
 *
 * Threads (each function below says which with [thread: ...])
 *  - [thread: any]: chorus_plugin_entry() and the descriptor are thread-safe (static, immutable
 *    data); so are the host functions, which a plugin may call from any thread it owns,
 *    including threads it started itself (a background loader).
 *  - [thread: instance]: one instance is used by one thread at a time; the host never calls two
 *    functions of the same instance concurrently, but may call them from different threads one
 *    after the other. Different instances may run concurrently on different threads.
 *
 * Versions: every field says which ABI version added it, as (since 1.0); a later minor appends
 * its fields under a heading of its own.
 */
#ifndef CHORUS_ABI_H
#define CHORUS_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CHORUS_ABI_MAJOR 1
#define CHORUS_ABI_MINOR 0

/* The exported entry symbol's name, for hosts that look it up by string. */
#define CHORUS_ENTRY_SYMBOL "chorus_plugin_entry"

#if defined(_WIN32)
#define CHORUS_EXPORT __declspec(dllexport)
#else
#define CHORUS_EXPORT __attribute__((visibility("default")))
#endif

/* True when `field` of struct type `type` lies inside the first `size` bytes of *ptr. */
#define CHORUS_HAS_FIELD(ptr, type, field) \
  ((ptr)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* Return codes. They follow the Meltano SDK's error families. */
typedef enum chorus_status {
  CHORUS_OK = 0,
  /* The configuration is invalid (unknown key, missing required setting, bad value). Retrying
   * with the same configuration cannot succeed. */
  CHORUS_ERR_CONFIG = 1,
  /* Any other failure; the run must stop. */
  CHORUS_ERR_FATAL = 2,
  /* A transient failure (network, server busy); the same call may succeed later. */
  CHORUS_ERR_RETRYABLE = 3
} chorus_status;

typedef enum chorus_kind {
  CHORUS_KIND_TAP = 1,
  CHORUS_KIND_TARGET = 2,
  CHORUS_KIND_MAPPER = 3
} chorus_kind;

typedef enum chorus_log_level {
  CHORUS_LOG_DEBUG = 0,
  CHORUS_LOG_INFO = 1,
  CHORUS_LOG_WARN = 2,
  CHORUS_LOG_ERROR = 3
} chorus_log_level;

/* Opaque plugin instance, created by `create` and owned by the host until `destroy`. */
typedef struct chorus_instance chorus_instance;

/*
 * Services the host offers a plugin. The host owns this struct; it stays valid from `create`
 * until `destroy` returns for every instance created with it.
 */
typedef struct chorus_host_v1 {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;

  /* (since 1.0) [thread: any] Records the error for the call in progress. `message` is copied
   * before return; UTF-8. `code` is the chorus_status the failing call is about to return.
   * Required. */
  void (*set_error)(const struct chorus_host_v1 *host, chorus_status code, const char *message);

  /* (since 1.0) [thread: any] Writes one log line on the host's log (stderr) under the plugin's
   * name. The host redacts configured secrets. `message` is copied before return. Required. */
  void (*log)(const struct chorus_host_v1 *host, chorus_log_level level, const char *message);

  /* (since 1.0) [thread: any] Non-zero once the user asked the pipeline to stop
   * (SIGINT/SIGTERM). A tap checks it between records and returns CHORUS_OK after writing its
   * last STATE; a target keeps reading until its input ends, because the host closes the tap
   * side first. Required. */
  int32_t (*stop_requested)(const struct chorus_host_v1 *host);

  /* (since 1.0) Host-private data; plugins must not touch it. */
  void *host_data;
} chorus_host_v1;

/* Arguments of one run. Owned by the host; valid for the duration of the `run` call. */
typedef struct chorus_run_args_v1 {
  uint32_t struct_size; /* (since 1.0) */
  /* (since 1.0) Singer input: a readable fd with one message per line. -1 for taps. The plugin
   * reads until end of file and must not close it. */
  int32_t in_fd;
  /* (since 1.0) Singer output: a writable fd. Taps and mappers write messages; targets write STATE
   * lines only, each one after everything before it is durably committed. Must not be closed. */
  int32_t out_fd;
  /* (since 1.0) The state to resume from as a JSON document ({"bookmarks": {...}}), or NULL. Taps
   * only. */
  const char *state_json;
  /* (since 1.0) The Singer catalog (with `selected` metadata) as a JSON document, or NULL to sync
   * every stream the tap selects by default. Taps only. */
  const char *catalog_json;
  /* (since 1.0) Non-zero to ignore state and re-extract everything. */
  int32_t full_refresh;
} chorus_run_args_v1;

/*
 * The static description of a plugin. Returned by chorus_plugin_entry(); immutable, owned by
 * the plugin library and valid while the library is loaded.
 */
typedef struct chorus_plugin_v1 {
  uint32_t struct_size; /* (since 1.0) */
  uint16_t abi_major;   /* (since 1.0) CHORUS_ABI_MAJOR the plugin was built with */
  uint16_t abi_minor;   /* (since 1.0) CHORUS_ABI_MINOR the plugin was built with */

  const char *name;    /* (since 1.0) Singer name, e.g. "tap-csv" */
  int32_t kind;        /* (since 1.0) chorus_kind */
  const char *version; /* (since 1.0) the plugin's own version, semver */

  /* (since 1.0) The `about` document as JSON: name, description, version, capabilities (Meltano's
   * strings), and `settings`, a JSON Schema of the config with `secret: true` on secrets and
   * `default`/`required` as usual. Static: computing it has no side effects. */
  const char *about_json;

  /* (since 1.0) [thread: any] Creates an instance from a config JSON document (never NULL; "{}"
   * when empty). `config_json` is owned by the host and valid only during this call: the plugin
   * copies what it keeps. The plugin validates the config against its settings schema and
   * rejects unknown keys with CHORUS_ERR_CONFIG. On success *out is set; on failure *out is left
   * NULL. Required. */
  chorus_status (*create)(const chorus_host_v1 *host, const char *config_json,
                          chorus_instance **out);

  /* (since 1.0) [thread: instance] Writes the Singer catalog as one JSON document to out_fd.
   * Taps only; NULL otherwise. The fd is not closed. */
  chorus_status (*discover)(chorus_instance *instance, int32_t out_fd);

  /* (since 1.0) [thread: instance] Runs the plugin to completion (see chorus_run_args_v1).
   * Required. */
  chorus_status (*run)(chorus_instance *instance, const chorus_run_args_v1 *args);

  /* (since 1.0) [thread: instance] Releases the instance. Never fails. NULL is allowed and
   * ignored. Required. */
  void (*destroy)(chorus_instance *instance);
} chorus_plugin_v1;

/*
 * (since 1.0) [thread: any] The one exported symbol. Returns the plugin's descriptor, whatever
 * the host's version, so that the host can decide compatibility and name both versions when it
 * refuses; NULL only when the library cannot describe itself at all. No side effects: the host
 * calls it to list plugins without creating anything.
 *
 * Declared here so that a plugin defining it with another signature fails to compile instead of
 * failing at load time.
 */
CHORUS_EXPORT const struct chorus_plugin_v1 *chorus_plugin_entry(uint16_t host_abi_major,
                                                                 uint16_t host_abi_minor);
typedef const chorus_plugin_v1 *(*chorus_plugin_entry_fn)(uint16_t host_abi_major,
                                                          uint16_t host_abi_minor);

#ifdef __cplusplus
}
#endif

#endif /* CHORUS_ABI_H */
