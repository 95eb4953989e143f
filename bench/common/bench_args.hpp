#pragma once
// The benchmarks' command lines: `--name value` options and `--flag` switches, read in order.
//
//   sluice::bench::Args args(argc, argv, "[--reps R] [--json]");
//   while (args.next()) {
//     if (args.is("--reps")) reps = std::stoi(args.value());
//     else if (args.is("--json")) json = true;
//     else args.unknown();
//   }
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace sluice::bench {

class Args {
 public:
  Args(int argc, char** argv, std::string usage) : argc_(argc), argv_(argv), usage_(std::move(usage)) {}

  // Moves to the next option; false when there are no more.
  bool next() { return ++at_ < argc_; }
  bool is(std::string_view name) const { return name == argv_[at_]; }
  // The current option's value (the argument after it).
  std::string value() {
    if (at_ + 1 >= argc_) throw std::invalid_argument(std::string(argv_[at_]) + " needs a value; usage: " + usage_);
    return argv_[++at_];
  }
  [[noreturn]] void unknown() const {
    throw std::invalid_argument("unknown option " + std::string(argv_[at_]) + "; usage: " + usage_);
  }

 private:
  int argc_;
  char** argv_;
  std::string usage_;
  int at_ = 0;
};

}  // namespace sluice::bench
