// bufreg::verify: valid layouts pass, and every check catches the fault it exists for.
#include <bufreg/verify.hpp>

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace {

using bufreg::BufferGroup;
using bufreg::Location;
using bufreg::Placement;
using bufreg::Precision;
using bufreg::Region;
using bufreg::Slice;

std::string joined(const std::vector<bufreg::Violation>& violations) {
  std::string text;
  for (const auto& v : violations) text += "'" + v.buffer + "': " + v.problem + "\n";
  return text;
}

// A random group: registrations, re-registrations and updates in any order.
BufferGroup random_group(std::mt19937& random) {
  BufferGroup group(bufreg::LayoutOptions{std::size_t{1} << (random() % 7)});
  const auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  const int operations = 1 + pick(60);
  for (int op = 0; op < operations; ++op) {
    const std::string name = "b" + std::to_string(pick(16));
    std::optional<std::string> alias;
    if (pick(3) == 0) alias = "b" + std::to_string(pick(16));
    try {
      if (pick(5) == 0) {
        bufreg::BufferUpdate update;
        if (pick(2)) update.size = static_cast<std::size_t>(pick(40));
        if (pick(2)) update.location = pick(2) ? Location::shared : Location::local;
        if (pick(2)) update.persistent = pick(2) == 0;
        if (pick(2)) update.aliases = alias;
        group.update_buffer(name, update);
      } else {
        group.register_buffer(name, static_cast<std::size_t>(pick(40)),
                              pick(2) ? Location::shared : Location::local, pick(3) == 0, alias,
                              static_cast<Precision>(pick(6)));
      }
    } catch (const std::invalid_argument&) {
      // chains, missing targets, self aliases: refused, and the group is unchanged
    }
  }
  return group;
}

TEST(Verify, RandomLayoutsHaveNoViolations) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  for (int trial = 0; trial < 2000; ++trial) {
    const BufferGroup group = random_group(random);
    const auto violations = bufreg::verify(group);
    ASSERT_TRUE(violations.empty()) << "trial " << trial << ":\n"
                                    << joined(violations) << group.describe();
  }
}

// A valid layout to break one way at a time.
struct Fixture {
  BufferGroup group;
  std::vector<Placement> placements;
  std::array<std::size_t, 3> sizes{};

  Fixture() {
    group.register_buffer("parent", 8, Location::shared);                    // shared [0, 32)
    group.register_buffer("alias_a", 2, Location::shared, false, "parent");  // [0, 8)
    group.register_buffer("alias_b", 2, Location::local, false, "parent");   // [16, 24)
    group.register_buffer("other", 4, Location::shared);                     // shared [32, 48)
    group.register_buffer("kept", 2, Location::local, true);                 // persistent [0, 8)
    group.register_buffer("scratch", 3, Location::local, false, std::nullopt,
                          Precision::float64);  // local [0, 24)
    placements = group.placements();
    sizes = {group.shared_buffer_size(), group.persistent_local_buffer_size(),
             group.local_buffer_size()};
  }
  std::string check() const {
    return joined(bufreg::verify(group.entries(), placements, sizes, group.options()));
  }
};

TEST(Verify, TheFixtureIsValid) {
  const Fixture fixture;
  EXPECT_EQ(fixture.check(), "");
  EXPECT_EQ(joined(bufreg::verify(fixture.group)), "");
}

TEST(Verify, CatchesASliceThatDoesNotCoverItsBytes) {
  Fixture f;
  f.placements[3].slice.stop -= 4;
  EXPECT_NE(f.check().find("'other': slice [32, 44) does not cover its 16 bytes"),
            std::string::npos)
      << f.check();
}

TEST(Verify, CatchesAMisalignedSlice) {
  Fixture f;
  f.placements[3].slice = Slice{36, 52};
  f.sizes[0] = 52;
  EXPECT_NE(f.check().find("'other': slice [36, 52) is not 16-byte aligned"), std::string::npos)
      << f.check();
}

TEST(Verify, CatchesOverlappingBuffers) {
  Fixture f;
  f.placements[3].slice = Slice{16, 32};  // inside the parent, but not an alias of it
  EXPECT_NE(f.check().find("overlaps"), std::string::npos) << f.check();
}

TEST(Verify, CatchesOverlappingAliasesOfOneParent) {
  Fixture f;
  f.placements[2].slice = Slice{0, 8};  // on top of alias_a
  EXPECT_NE(f.check().find("'alias_b': overlaps alias_a"), std::string::npos) << f.check();
}

TEST(Verify, CatchesAnAliasOutsideItsParent) {
  Fixture f;
  f.placements[2].slice = Slice{32, 40};
  EXPECT_NE(f.check().find("'alias_b': slice [32, 40) is not inside its parent's [0, 32)"),
            std::string::npos)
      << f.check();
}

TEST(Verify, CatchesAnAliasInsideAParentThatMayNotHostIt) {
  Fixture f;
  f.group.register_buffer("holder", 4, Location::local);
  f.group.register_buffer("guest", 1, Location::shared, false, "holder");  // shared: not inside
  f.placements = f.group.placements();
  f.sizes = {f.group.shared_buffer_size(), f.group.persistent_local_buffer_size(),
             f.group.local_buffer_size()};
  f.placements[7] = Placement{Region::local, true,
                              Slice{f.placements[6].slice.start, f.placements[6].slice.start + 4}};
  EXPECT_NE(f.check().find("'guest': lies inside holder, which may not host it"), std::string::npos)
      << f.check();
}

TEST(Verify, AcceptsALocalAliasInsideALocalParent) {
  Fixture f;
  f.group.register_buffer("holder", 4, Location::local);
  f.group.register_buffer("guest", 1, Location::local, false, "holder");
  ASSERT_TRUE(f.group.placements()[7].inside_parent);
  EXPECT_EQ(joined(bufreg::verify(f.group)), "");
}

TEST(Verify, CatchesABufferOutsideTheArenaItsSettingsSelect) {
  Fixture f;
  f.placements[5].region = Region::shared;
  EXPECT_NE(f.check().find("'scratch': lies in the shared arena"), std::string::npos) << f.check();
}

TEST(Verify, CatchesANonPersistentBufferInPersistentStorage) {
  Fixture f;
  f.placements[5] = Placement{Region::persistent, false, Slice{16, 40}};
  f.sizes[1] = 40;
  EXPECT_NE(f.check().find("'scratch': is not persistent but lies in persistent storage"),
            std::string::npos)
      << f.check();
}

TEST(Verify, CatchesAPersistentBufferOutsidePersistentStorage) {
  Fixture f;
  f.group.register_buffer("kept_alias", 1, Location::local, true, "parent");
  f.placements = f.group.placements();
  f.sizes = {f.group.shared_buffer_size(), f.group.persistent_local_buffer_size(),
             f.group.local_buffer_size()};
  // Inside its shared parent, after alias_b: memory that does not survive the launch.
  f.placements[6] = Placement{Region::shared, true, Slice{24, 28}};
  EXPECT_NE(f.check().find("'kept_alias': is persistent but lies in the shared arena, which does "
                           "not survive the launch"),
            std::string::npos)
      << f.check();
  EXPECT_NE(f.check().find("'kept_alias': lies inside parent, which may not host it"),
            std::string::npos)
      << f.check();
}

TEST(Verify, CatchesAWrongArenaSize) {
  Fixture f;
  f.sizes[0] = 40;  // the last shared slice ends at 48
  EXPECT_NE(f.check().find("the shared arena size is 40 bytes, but its last slice ends at 48"),
            std::string::npos)
      << f.check();
}

TEST(Verify, CatchesAMissingPlacement) {
  Fixture f;
  f.placements.pop_back();
  EXPECT_NE(f.check().find("6 buffers but 5 placements"), std::string::npos) << f.check();
}

TEST(Verify, ReportsAtMostTheLimit) {
  Fixture f;
  for (auto& placement : f.placements) placement.slice = Slice{1, 2};
  EXPECT_EQ(bufreg::verify(f.group.entries(), f.placements, f.sizes, f.group.options(), 3).size(),
            3u);
}

}  // namespace
