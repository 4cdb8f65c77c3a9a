// The plugin's ABI entry point.
#include "chorus/plugin/entry.h"
#include "snowflake_target.h"

CHORUS_PLUGIN(chorus::target_snowflake::SnowflakeTarget)
