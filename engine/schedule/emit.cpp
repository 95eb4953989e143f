#include "schedule/emit.hpp"

#include <cstdio>

#include "common/escape.hpp"

namespace sluice::engine {
namespace {

// Comma list of the set bits in [lo, hi], "*" when all are set; values zero-padded to `width`.
template <std::size_t N>
std::string component(const std::bitset<N>& bits, unsigned lo, unsigned hi, int width) {
  std::string out;
  bool all = true;
  for (unsigned v = lo; v <= hi; ++v) {
    if (!bits[v]) {
      all = false;
      continue;
    }
    char buf[8];
    std::snprintf(buf, sizeof buf, "%0*u", width, v);
    out += (out.empty() ? "" : ",") + std::string(buf);
  }
  return all ? "*" : out;
}

std::string weekdays(const std::bitset<7>& bits) {
  static const char* names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  std::string out;
  for (unsigned d = 0; d < 7; ++d)
    if (bits[d]) out += (out.empty() ? "" : ",") + std::string(names[d]);
  return out;
}

std::string quote(const std::string& s) { return "'" + replace_char(s, '\'', "'\\''") + "'"; }

// systemd unit files: a path with spaces or specials must be quoted for ExecStart.
std::string unit_quote(const std::string& s) {
  if (s.find_first_of(" \t\"'\\%$") == std::string::npos) return s;
  return "\"" + escape_chars(escape_chars(s, "%", '%'), "\"\\", '\\') + "\"";
}

// A path setting of a unit file (WorkingDirectory=): the rest of the line is the path, unquoted (systemd
// rejects a quoted one), and only its specifiers need escaping.
std::string unit_path(const std::string& s) { return escape_chars(s, "%", '%'); }

// A crontab command: cron turns an unescaped '%' into a newline before the shell sees it.
std::string cron_command(const std::string& command) { return escape_chars(command, "%", '\\'); }

std::string absolute_text(const std::filesystem::path& p) { return std::filesystem::absolute(p).lexically_normal().string(); }

}  // namespace

std::vector<std::string> to_on_calendar(const CronExpr& e, const std::string& timezone) {
  const std::string time = component(e.hours, 0, 23, 2) + ":" + component(e.minutes, 0, 59, 2) + ":00";
  const std::string months = component(e.months, 1, 12, 2);
  const std::string days = component(e.days_of_month, 1, 31, 2);
  const std::string suffix = " " + time + " " + timezone;
  const bool all_weekdays = e.days_of_week.all();
  if (e.dom_restricted && e.dow_restricted)
    return {weekdays(e.days_of_week) + " *-" + months + "-*" + suffix, "*-" + months + "-" + days + suffix};
  return {(all_weekdays ? "" : weekdays(e.days_of_week) + " ") + "*-" + months + "-" + days + suffix};
}

std::string emit_systemd(const ScheduleSpec& spec, const std::filesystem::path& sluice_binary) {
  const std::string unit = "sluice-" + spec.pipeline;
  const std::string file = absolute_text(spec.pipeline_file);
  std::string out;
  out += "# " + unit + ".service\n";
  out += "[Unit]\nDescription=Sluice pipeline " + spec.pipeline + " (scheduled run)\n";
  out += "Wants=network-online.target\nAfter=network-online.target\n\n";
  out += "[Service]\nType=oneshot\n";
  out += "WorkingDirectory=" + unit_path(std::filesystem::path(file).parent_path().string()) + "\n";
  out += "# --once runs the due slot (catch-up, retries, max_runtime and history as in the daemon).\n";
  out += "ExecStart=" + unit_quote(absolute_text(sluice_binary)) + " schedule --once " + unit_quote(file) + "\n";
  out += "# SIGTERM cancels the run cleanly; give it time to finish writing.\n";
  out += "KillSignal=SIGTERM\nTimeoutStopSec=120\n\n";
  out += "# " + unit + ".timer\n";
  out += "[Unit]\nDescription=Schedule of sluice pipeline " + spec.pipeline + " (cron \"" + spec.cron_text +
         "\" in " + spec.timezone + ")\n\n";
  out += "[Timer]\n";
  for (const auto& calendar : to_on_calendar(spec.cron, spec.timezone)) out += "OnCalendar=" + calendar + "\n";
  out += "# Fire after downtime too; sluice applies catchup = " + std::string(spec.catchup ? "true" : "false") + ".\n";
  out += "Persistent=true\nAccuracySec=1s\nUnit=" + unit + ".service\n\n";
  out += "[Install]\nWantedBy=timers.target\n";
  return out;
}

std::string emit_systemd_daemon(const std::vector<ScheduleSpec>& specs, const std::filesystem::path& sluice_binary) {
  std::string files, names;
  for (const auto& s : specs) {
    files += " " + unit_quote(absolute_text(s.pipeline_file));
    names += (names.empty() ? "" : ", ") + s.pipeline;
  }
  std::string out = "# sluice-scheduler.service\n";
  out += "[Unit]\nDescription=Sluice scheduler (" + names + ")\n";
  out += "Wants=network-online.target\nAfter=network-online.target\n\n";
  out += "[Service]\nType=simple\n";
  out += "WorkingDirectory=" + unit_path(std::filesystem::path(absolute_text(specs.front().pipeline_file)).parent_path().string()) + "\n";
  out += "ExecStart=" + unit_quote(absolute_text(sluice_binary)) + " schedule" + files + "\n";
  out += "KillSignal=SIGTERM\nTimeoutStopSec=120\nRestart=on-failure\nRestartSec=10\n\n";
  out += "[Install]\nWantedBy=multi-user.target\n";
  return out;
}

std::string emit_crontab(const ScheduleSpec& spec, const std::filesystem::path& sluice_binary) {
  const std::string file = absolute_text(spec.pipeline_file);
  const std::string dir = std::filesystem::path(file).parent_path().string();
  std::string out = "# sluice pipeline " + spec.pipeline + ": cron \"" + spec.cron_text + "\" in " + spec.timezone + "\n";
  out += "# CRON_TZ needs a cron that supports it (cronie, busybox); otherwise poll every few minutes\n";
  out += "# instead: --once only runs slots that are due in the pipeline's own timezone.\n";
  out += "CRON_TZ=" + spec.timezone + "\n";
  out += spec.cron_text + " " +
         cron_command("cd " + quote(dir) + " && " + quote(absolute_text(sluice_binary)) + " schedule --once " + quote(file) +
                      " 2>&1 | logger -t " + quote("sluice-" + spec.pipeline)) +
         "\n";
  return out;
}

}  // namespace sluice::engine
