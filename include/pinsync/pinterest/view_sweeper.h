#pragma once
// When each ad account's view sweep reads which page: every pinterest.view_sweep_interval the
// account's customer lists and then its audiences, page by page, one request at a time. Pure
// schedule (time passed in); the delivery engine decides whether a page may go now (only with
// budget no batch is waiting for) and sends it.

#include <map>
#include <optional>
#include <string>

#include "pinsync/common/clock.h"

namespace pinsync::pinterest {

class ViewSweeper {
 public:
  enum class Phase : uint8_t { kLists, kAudiences };
  struct Page {
    Phase phase = Phase::kLists;
    std::string bookmark;  // empty: the first page
  };
  enum class Progress : uint8_t { kMore, kDone };

  explicit ViewSweeper(Duration interval) : interval_(interval) {}

  // The page the account's sweep would read now: nullopt while one is on the wire or before the
  // next sweep is due. The first sweep of an account is due an interval after it is first seen:
  // until then the engine's own look-up sweep and its create answers fill the view, and start-up
  // spends its budget on batches.
  std::optional<Page> Due(const std::string& ad_account_id, SteadyTime now);
  // The page Due returned went out.
  void Started(const std::string& ad_account_id);
  // Its answer: `next_bookmark` empty on the last page of a phase. kDone after the last page of
  // the audiences; the next sweep is due an interval later.
  Progress PageDone(const std::string& ad_account_id, const std::string& next_bookmark,
                    SteadyTime now);
  // Its request failed: this sweep ends; the next one is due an interval later (the view keeps
  // what the earlier pages said).
  void PageFailed(const std::string& ad_account_id, SteadyTime now);
  // The engine read every list and audience of the account at `at` (its own sweep, to resolve
  // list ids): that read counts, the next sweep is due an interval after it.
  void ReadElsewhere(const std::string& ad_account_id, SteadyTime at);

 private:
  struct AccountSweep {
    std::optional<SteadyTime> next_due;  // unset: not seen yet
    bool sweeping = false;
    bool in_flight = false;
    Page page;
  };

  Duration interval_;
  std::map<std::string, AccountSweep> accounts_;
};

}  // namespace pinsync::pinterest
