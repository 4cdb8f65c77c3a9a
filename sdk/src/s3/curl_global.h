// libcurl's process-wide initialisation, done once before the first handle is made.
#pragma once

namespace chorus::s3 {
void ensure_curl_initialised();
}
