// The Singer command line of a tap or a target, as the Meltano SDK's CLI tests and Meltano use
// it.
#include "plugins/singer_command_line.h"

#include <doctest/doctest.h>

using namespace chorus::host;

TEST_CASE("--format takes its value after '=' or as the next argument") {
  CHECK(parse_singer_command_line({"--about", "--format=markdown"}, "tap").about_format ==
        "markdown");
  CHECK(parse_singer_command_line({"--about", "--format", "markdown"}, "tap").about_format ==
        "markdown");
  const auto json = parse_singer_command_line({"--about", "--format=json"}, "target");
  CHECK(json.about);
  CHECK(json.about_format == "json");
  CHECK_THROWS_AS(parse_singer_command_line({"--about", "--format=yaml"}, "tap"), UsageError);
}

TEST_CASE("--config may be given several times, and ENV is a source like a file") {
  const auto args = parse_singer_command_line(
      {"--config", "a.json", "--config=ENV", "-c", "b.json", "--state", "s.json"}, "tap");
  CHECK(args.config_sources == std::vector<std::string>{"a.json", "ENV", "b.json"});
  CHECK(args.state_file == "s.json");
}

TEST_CASE("--properties is the old name of --catalog; giving both is an error") {
  CHECK(parse_singer_command_line({"--properties", "p.json"}, "tap").catalog_file == "p.json");
  CHECK(parse_singer_command_line({"--catalog=c.json"}, "tap").catalog_file == "c.json");
  CHECK_THROWS_AS(parse_singer_command_line({"--catalog", "c.json", "-p", "p.json"}, "tap"),
                  UsageError);
}

TEST_CASE("--version, --help, --discover and --input are flags of their kinds") {
  CHECK(parse_singer_command_line({"--version"}, "target").version);
  CHECK(parse_singer_command_line({"--help"}, "tap").help);
  CHECK(parse_singer_command_line({"--discover", "--config", "c.json"}, "tap").discover);
  CHECK(parse_singer_command_line({"--input", "in.singer"}, "target").input_file == "in.singer");
  CHECK(parse_singer_command_line({"-i", "in.singer"}, "mapper").input_file == "in.singer");
  CHECK_THROWS_WITH(parse_singer_command_line({"--state", "s.json"}, "target"),
                    "--state is for taps; this plugin is a target");
  CHECK_THROWS_WITH(parse_singer_command_line({"--input", "x"}, "tap"),
                    "--input is for targets and mappers; this plugin is a tap");
}

TEST_CASE("an unknown argument, a missing value or a repeated file is a usage error") {
  CHECK_THROWS_WITH(parse_singer_command_line({"--bogus"}, "tap"),
                    doctest::Contains("unknown argument '--bogus'"));
  CHECK_THROWS_WITH(parse_singer_command_line({"--config"}, "tap"),
                    doctest::Contains("--config needs a value"));
  CHECK_THROWS_WITH(parse_singer_command_line({"--state", "a", "--state", "b"}, "tap"),
                    "--state is given twice");
  CHECK_THROWS_AS(parse_singer_command_line({"--discover=yes"}, "tap"), UsageError);
}

TEST_CASE("--help lists only the flags the plugin's kind accepts") {
  const std::string tap = singer_usage("tap-csv", "tap");
  CHECK(tap.find("Usage: tap-csv [OPTIONS]") == 0);
  CHECK(tap.find("--state FILE") != std::string::npos);
  CHECK(tap.find("--input") == std::string::npos);
  const std::string target = singer_usage("target-jsonl", "target");
  CHECK(target.find("--input FILE") != std::string::npos);
  CHECK(target.find("--discover") == std::string::npos);
}
