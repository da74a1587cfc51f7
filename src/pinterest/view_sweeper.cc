#include "pinsync/pinterest/view_sweeper.h"

#include <algorithm>

namespace pinsync::pinterest {

std::optional<ViewSweeper::Page> ViewSweeper::Due(const std::string& ad_account_id,
                                                  SteadyTime now) {
  AccountSweep& sweep = accounts_[ad_account_id];
  if (sweep.in_flight) return std::nullopt;
  if (!sweep.next_due) sweep.next_due = now + interval_;
  if (!sweep.sweeping) {
    if (now < *sweep.next_due) return std::nullopt;
    sweep.sweeping = true;
    sweep.page = Page{};
  }
  return sweep.page;
}

void ViewSweeper::Started(const std::string& ad_account_id) {
  accounts_[ad_account_id].in_flight = true;
}

ViewSweeper::Progress ViewSweeper::PageDone(const std::string& ad_account_id,
                                            const std::string& next_bookmark, SteadyTime now) {
  AccountSweep& sweep = accounts_[ad_account_id];
  sweep.in_flight = false;
  if (!next_bookmark.empty()) {
    sweep.page.bookmark = next_bookmark;
    return Progress::kMore;
  }
  if (sweep.page.phase == Phase::kLists) {
    sweep.page = Page{Phase::kAudiences, {}};
    return Progress::kMore;
  }
  sweep.sweeping = false;
  sweep.next_due = now + interval_;
  return Progress::kDone;
}

void ViewSweeper::PageFailed(const std::string& ad_account_id, SteadyTime now) {
  AccountSweep& sweep = accounts_[ad_account_id];
  sweep.in_flight = false;
  sweep.sweeping = false;
  sweep.next_due = now + interval_;
}

void ViewSweeper::ReadElsewhere(const std::string& ad_account_id, SteadyTime at) {
  AccountSweep& sweep = accounts_[ad_account_id];
  if (sweep.sweeping) return;
  const SteadyTime due = at + interval_;
  sweep.next_due = sweep.next_due ? std::max(*sweep.next_due, due) : due;
}

}  // namespace pinsync::pinterest
