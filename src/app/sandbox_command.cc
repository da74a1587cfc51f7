// pinsync sandbox: the local Pinterest API sandbox (docs/sandbox.md). Prints its base URL, then
// serves until SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>

#include <spdlog/spdlog.h>

#include "pinsync/app/commands.h"
#include "pinsync/sandbox/api_json.h"
#include "pinsync/sandbox/sandbox_server.h"

namespace pinsync::app {
namespace {

int RunSandbox(const sandbox::SandboxOptions& options) {
  // Block the stop signals before any server thread starts, so every thread inherits the mask
  // and sigwait below is the one place they are received.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto server = sandbox::SandboxServer::Start(options);
  if (!server) {
    std::fprintf(stderr, "pinsync sandbox: %s\n", server.error().message.c_str());
    return 1;
  }
  std::printf("%s\n", (*server)->base_url().c_str());
  std::fflush(stdout);
  spdlog::info(
      "sandbox: serving the Pinterest API v5 at {} (token {}, faults {}); state at "
      "http://{}:{}/_sandbox/state",
      (*server)->base_url(), options.required_token.empty() ? "any" : "required",
      sandbox::FaultSpecJson(options.faults), options.host, (*server)->port());

  int received = 0;
  sigwait(&stop_signals, &received);
  spdlog::info("sandbox: signal {} received, stopping", received);
  (*server)->Stop();
  return 0;
}

}  // namespace

void AddSandboxCommand(CLI::App& app, CommandRunner& runner) {
  auto options = std::make_shared<sandbox::SandboxOptions>();
  auto* cmd = app.add_subcommand(
      "sandbox", "Run a local Pinterest API v5 sandbox with fault injection (docs/sandbox.md)");
  cmd->add_option("--port", options->port, "TCP port; 0 picks a free one")->capture_default_str();
  cmd->add_option("--host", options->host, "Address to listen on")->capture_default_str();
  cmd->add_option("--token", options->required_token,
                  "Accept only this bearer token (and tokens issued by /v5/oauth/token)");
  cmd->add_flag("--rotate-refresh-tokens", options->rotate_refresh_tokens,
                "Issue a new refresh token on every refresh and reject the one used");
  auto& faults = options->faults;
  cmd->add_option("--rate-limit-per-second", faults.rate_limit_per_second,
                  "Requests per ad account per second before 429")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--rate-limit-per-minute", faults.rate_limit_per_minute,
                  "Requests per ad account per minute before 429")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--error-rate", faults.error_rate, "Share of requests answered 500 or 503")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--latency-ms", faults.latency_ms, "Added latency per request")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--drop-rate", faults.drop_rate, "Share of connections closed without a response")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--expire-token-after", faults.expire_token_after,
                  "Requests each access token may make before it expires (401)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--forbid-account", faults.forbid_account,
                  "Answer 403 to every request for this ad account");
  cmd->add_option("--seed", faults.seed, "Seed for the error and drop draws")
      ->capture_default_str();
  cmd->add_option("--threads", options->threads,
                  "Worker threads (each keep-alive connection holds one)")
      ->capture_default_str()
      ->check(CLI::Range(2, 1024));
  cmd->callback([&runner, options] { runner = [options] { return RunSandbox(*options); }; });
}

}  // namespace pinsync::app
