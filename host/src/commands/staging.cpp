// chorus staging list|clean PIPELINE: what killed or failed runs of a pipeline left in the S3
// staging area of its target (staged files, manifests, incomplete multipart uploads).
#include <CLI/CLI.hpp>
#include <ctime>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "chorus/s3/staging_leftovers.h"
#include "chorus/s3/staging_settings.h"
#include "commands/commands.h"
#include "log.h"
#include "pipeline/pipeline_config.h"

namespace chorus::host::commands {
namespace {

struct StagingOptions {
  std::string pipeline_file;
  long long min_age_seconds = 3600;
};

struct Staging {
  std::string base;  // the target's s3_key_prefix
  s3::StagingSettings settings;
};

Staging staging_of(const StagingOptions &options) {
  PipelineSpec pipeline = load_pipeline_file(options.pipeline_file);
  const MemberSpec &target = pipeline.members.back();
  try {
    Staging staging{"", s3::staging_settings(target.config)};
    staging.base = staging.settings.options.prefix;
    return staging;
  } catch (const std::exception &error) {
    throw std::runtime_error("pipeline " + pipeline.name + ": its target " + target.display_name() +
                             " has no S3 staging to look at (" + error.what() + ")");
  }
}

s3::StagingLeftovers find(const StagingOptions &options, const Staging &staging,
                          s3::Client &client) {
  s3::StagingLeftovers leftovers = s3::find_staging_leftovers(
      client, staging.base, options.min_age_seconds, static_cast<long long>(std::time(nullptr)));
  const std::string where = client.object_url(staging.base);
  if (leftovers.too_recent > 0) {
    log_info(std::to_string(leftovers.too_recent) + " objects or uploads under " + where +
             " belong to batches younger than " + std::to_string(options.min_age_seconds) +
             " s and are left alone (a run may be loading them); --min-age 0 includes them");
  }
  if (!leftovers.uploads_not_listed.empty()) {
    log_warn("incomplete multipart uploads under " + where + " cannot be listed on this server (" +
             leftovers.uploads_not_listed +
             "); a bucket lifecycle rule with AbortIncompleteMultipartUpload removes them");
  }
  return leftovers;
}

int list(const StagingOptions &options) {
  Staging staging = staging_of(options);
  s3::Client client(staging.settings.client);
  s3::StagingLeftovers leftovers = find(options, staging, client);
  for (const s3::ObjectInfo &object : leftovers.objects) {
    std::cout << client.object_url(object.key) << "\t" << object.size << " bytes\n";
  }
  for (const s3::PendingUpload &upload : leftovers.uploads) {
    std::cout << client.object_url(upload.key) << "\tincomplete multipart upload "
              << upload.upload_id << " (initiated " << upload.initiated << ")\n";
  }
  log_info(std::to_string(leftovers.objects.size()) + " staged objects and " +
           std::to_string(leftovers.uploads.size()) + " incomplete uploads left under " +
           client.object_url(staging.base) +
           (leftovers.objects.empty() && leftovers.uploads.empty()
                ? ""
                : "; `chorus staging clean " + options.pipeline_file + "` removes them"));
  return 0;
}

int clean(const StagingOptions &options) {
  Staging staging = staging_of(options);
  s3::Client client(staging.settings.client);
  s3::StagingLeftovers leftovers = find(options, staging, client);
  s3::remove_staging_leftovers(client, leftovers);
  log_info("removed " + std::to_string(leftovers.objects.size()) + " staged objects and aborted " +
           std::to_string(leftovers.uploads.size()) + " incomplete uploads under " +
           client.object_url(staging.base));
  return 0;
}

}  // namespace

void add_staging(CLI::App &app, Command &command) {
  auto options = std::make_shared<StagingOptions>();
  CLI::App *staging = app.add_subcommand(
      "staging", "List or remove what killed or failed runs left in a target's S3 staging area");
  staging->require_subcommand(1);
  auto add_arguments = [options](CLI::App *sub) {
    sub->add_option("pipeline", options->pipeline_file, "Pipeline YAML file")->required();
    sub->add_option("--min-age", options->min_age_seconds,
                    "Only batches started at least this many seconds ago (default 3600: a "
                    "younger one may still be loading)");
  };
  CLI::App *list_cmd = staging->add_subcommand(
      "list", "Print the staged files, manifests and incomplete uploads of old batches");
  add_arguments(list_cmd);
  list_cmd->callback([options, &command] { command = [options] { return list(*options); }; });
  CLI::App *clean_cmd =
      staging->add_subcommand("clean", "Delete them and abort the incomplete uploads");
  add_arguments(clean_cmd);
  clean_cmd->callback([options, &command] { command = [options] { return clean(*options); }; });
}

}  // namespace chorus::host::commands
