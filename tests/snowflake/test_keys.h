// An RSA key pair made with the openssl command at test time, in the build tree.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

struct TestKeys {
  std::string private_pem;
  std::string public_path;
  std::string fingerprint;  // SHA256:<base64 of the SHA-256 of the public key DER>

  static const TestKeys &get() {
    static const TestKeys keys = make();
    return keys;
  }

 private:
  static std::string read(const std::string &path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static TestKeys make() {
    std::string dir =
        std::string(CHORUS_BINARY_DIR) + "/snowflake-keys-" + std::to_string(getpid());
    std::string script = "mkdir -p '" + dir + "' && cd '" + dir +
                         "' && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 "
                         "-out key.pem 2>/dev/null && openssl pkey -in key.pem -pubout -out "
                         "pub.pem && openssl pkey -in key.pem -pubout -outform DER | openssl "
                         "dgst -sha256 -binary | openssl base64 -A > fp.txt";
    if (std::system(script.c_str()) != 0) throw std::runtime_error("openssl key generation failed");
    TestKeys keys;
    keys.private_pem = read(dir + "/key.pem");
    keys.public_path = dir + "/pub.pem";
    keys.fingerprint = "SHA256:" + read(dir + "/fp.txt");
    return keys;
  }
};
