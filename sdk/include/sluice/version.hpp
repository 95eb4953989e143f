#pragma once
// SDK version. The major number changes on any ABI break; plugins built against
// another major (or a newer minor) are refused before any of their code runs.
// The minor number changes when the SDK gains functions or types (additive: old plugins still load).
#define SLUICE_SDK_VERSION_MAJOR 1
#define SLUICE_SDK_VERSION_MINOR 7  // 1.1: atomic_file.hpp; 1.2: Column::slice;
                                    // 1.3: Stage::retire, StageDescriptor::one_of_inputs, hash_file;
                                    // 1.4: ColumnSpec, parse_column_specs, Context::partition_keys;
                                    // 1.5: Hasher::add_raw; 1.6: ParamValue::display out of line, cell_display;
                                    // 1.7: param_error, group_thousands
#define SLUICE_SDK_VERSION_STRING "1.7"
