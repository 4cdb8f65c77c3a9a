// The plugin's ABI entry point.
#include "chorus/plugin/entry.h"
#include "redshift_target.h"

CHORUS_PLUGIN(chorus::target_redshift::RedshiftTarget)
