// Typed wrappers over the libcurl calls Swift cannot make.
//
// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, and
// Swift cannot call C variadic functions. Each wrapper below fixes one argument
// type, so the Swift side picks the wrapper that matches the option's type
// (CURLOPTTYPE_LONG, _OBJECTPOINT/_STRINGPOINT, _OFF_T, _FUNCTIONPOINT, _SLISTPOINT).
#pragma once
#include <curl/curl.h>
#include <stddef.h>

/// curl_global_init(CURL_GLOBAL_DEFAULT); the Swift side calls it exactly once.
CURLcode qbs_global_init(void);

/// The write and header callback shape libcurl expects
/// (CURLOPT_WRITEFUNCTION / CURLOPT_HEADERFUNCTION).
typedef size_t (*qbs_data_callback)(char *data, size_t size, size_t count, void *context);

CURLcode qbs_easy_setopt_long(CURL *easy, CURLoption option, long value);
/// For string options libcurl copies the string (CURLOPT_URL, CURLOPT_UNIX_SOCKET_PATH, ...);
/// for object options (CURLOPT_WRITEDATA, CURLOPT_PRIVATE, ...) the pointer is stored as is.
CURLcode qbs_easy_setopt_pointer(CURL *easy, CURLoption option, const void *value);
CURLcode qbs_easy_setopt_off_t(CURL *easy, CURLoption option, curl_off_t value);
CURLcode qbs_easy_setopt_slist(CURL *easy, CURLoption option, struct curl_slist *value);
CURLcode qbs_easy_setopt_data_callback(CURL *easy, CURLoption option, qbs_data_callback callback);

CURLcode qbs_easy_getinfo_long(CURL *easy, CURLINFO info, long *value);
CURLcode qbs_easy_getinfo_off_t(CURL *easy, CURLINFO info, curl_off_t *value);
CURLcode qbs_easy_getinfo_pointer(CURL *easy, CURLINFO info, void **value);

CURLMcode qbs_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// Pops one finished transfer from curl_multi_info_read. Returns 1 and fills
/// `easy` and `result` when a CURLMSG_DONE message was read, 0 when the queue is
/// empty. Swift cannot read CURLMsg's anonymous union portably, hence this helper.
int qbs_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result);
