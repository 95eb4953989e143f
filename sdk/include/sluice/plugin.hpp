#pragma once
// The one line a plugin writes to export itself:
//
//   static void register_stages(sluice::Registrar& r) { r.add<MyStage>(describe_my_stage()); }
//   SLUICE_PLUGIN(register_stages)
//
// It defines two C symbols. `sluice_plugin_abi_v1` returns the ABI stamp and is
// called first; `sluice_plugin_v1` registers the stages only if the stamp matches.
#include "sluice/abi.hpp"
#include "sluice/export.hpp"
#include "sluice/stage.hpp"

#define SLUICE_PLUGIN_ABI_SYMBOL "sluice_plugin_abi_v1"
#define SLUICE_PLUGIN_ENTRY_SYMBOL "sluice_plugin_v1"

#define SLUICE_PLUGIN(register_fn)                                                    \
  extern "C" SLUICE_EXPORT const sluice_abi_stamp* sluice_plugin_abi_v1() {          \
    static constexpr sluice_abi_stamp stamp = ::sluice::current_abi_stamp();          \
    return &stamp;                                                                    \
  }                                                                                   \
  extern "C" SLUICE_EXPORT void sluice_plugin_v1(::sluice::Registrar* registrar) {    \
    register_fn(*registrar);                                                          \
  }
