#pragma once
// Everything a plugin author needs.
#include "sluice/abi.hpp"
#include "sluice/atomic_file.hpp"
#include "sluice/context.hpp"
#include "sluice/errors.hpp"
#include "sluice/params.hpp"
#include "sluice/plugin.hpp"
#include "sluice/serialize.hpp"
#include "sluice/stage.hpp"
#include "sluice/table.hpp"
#include "sluice/value.hpp"
#include "sluice/version.hpp"
