// Typed wrappers over libcurl calls Swift cannot make (variadic curl_easy_setopt).
#pragma once
#include <curl/curl.h>
