#include "domain/identifiers.hpp"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace pactwatch::domain {
namespace {

using ::testing::HasSubstr;

/**
 * Real published codes (all public registration data; where each was read):
 *  - 914403001922038216 华为技术有限公司: the 機構代碼 in the infobox of the zh.wikipedia article 華為.
 *  - 91440300708461136T 腾讯科技（深圳）有限公司: its business-licence code, which also appears as the
 *    producer id inside the AIGC implicit labels (ContentProducer "0011 91440300708461136T …") of its
 * products.
 *  - 91330100799655058B 阿里巴巴（中国）有限公司 and 91110108551385082Q 小米科技有限责任公司: the codes
 *    shown for these companies by the national enterprise credit publicity system and quoted in public
 *    company-lookup samples.
 *  - 11410182005291054B 荥阳市司法局 (a government body, authority 1 = 机构编制, type 1 = 机关): quoted as
 * the respondent's code in the administrative judgment (2019)豫01行终492号 published on 中国裁判文书网.
 *  - 11140800558745220K 晋中市文化和旅游局 (purchaser) and 91140106713678575D 山西晋韵古建筑有限公司
 * (supplier): both parties of the published government-procurement contract 省级红色文化遗址保护标志树立项目.
 */
const std::vector<std::string> kRealCodes = {
    "914403001922038216", "91440300708461136T", "91330100799655058B", "91110108551385082Q",
    "11410182005291054B", "11140800558745220K", "91140106713678575D",
};

std::string credit_error(std::string_view text) {
  auto parsed = CreditCode::parse(text);
  return parsed ? "<accepted>" : parsed.error().message;
}

// Verifies real codes of companies and government bodies are accepted and kept verbatim.
TEST(CreditCodeParse, AcceptsRealPublishedCodes) {
  for (const auto& code : kRealCodes) {
    auto parsed = CreditCode::parse(code);
    ASSERT_TRUE(parsed.has_value()) << code << ": " << parsed.error().message;
    EXPECT_EQ(parsed->str(), code);
  }
  EXPECT_EQ(CreditCode::parse("11410182005291054B")->region_part(), "410182");
}

// Verifies the check-character helper reproduces the last character of every real code.
TEST(CreditCodeCheckCharacter, MatchesRealCodes) {
  for (const auto& code : kRealCodes) {
    EXPECT_EQ(credit_code_check_character(std::string_view(code).substr(0, 17)), code[17]) << code;
  }
}

// Verifies the two ends of the check alphabet: value 30 is written Y and value 31 is written 0.
TEST(CreditCodeCheckCharacter, WritesThirtyAsYAndThirtyOneAsZero) {
  // Synthetic 楚雄市 body, summed by hand with the weights 1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28:
  // 9*1 + 1*3 + 5*9 + 3*27 + 2*19 + 3*26 + 0*16 + 1*17 + M(21)*20 + A(10)*29 + 6*25 + K(19)*13 + 0 + 0 + 0
  // + 0 + R(25)*28 = 2078 = 67*31 + 1, so the check value is 31 - 1 = 30, the last character Y.
  EXPECT_EQ(credit_code_check_character("91532301MA6K0000R"), 'Y');
  EXPECT_TRUE(CreditCode::parse("91532301MA6K0000RY").has_value());
  EXPECT_FALSE(CreditCode::parse("91532301MA6K0000R0").has_value());
  // 915300007194052520 (a Yunnan company, quoted on a published VAT invoice used as OCR sample data):
  // its weighted sum is a multiple of 31, so 31 - 0 = 31 is written 0.
  EXPECT_EQ(credit_code_check_character("91530000719405252"), '0');
  EXPECT_TRUE(CreditCode::parse("915300007194052520").has_value());
}

// Verifies the helper makes valid codes from any 17 valid characters, including the 31 -> 0 case.
TEST(CreditCodeCheckCharacter, MakesValidCodesAndRefusesBadInput) {
  // Position 12 (weight 13, coprime to 31) runs through all 31 values, so the weighted sums cover every
  // residue and one of them is a multiple of 31, whose check character is written 0 (31 -> 0).
  bool saw_zero = false;
  const std::string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  for (char c : alphabet) {
    std::string first17 = "91532301MA6" + std::string(1, c) + "00001";
    const char check = credit_code_check_character(first17);
    ASSERT_NE(check, '\0') << first17;
    saw_zero = saw_zero || check == '0';
    auto parsed = CreditCode::parse(first17 + check);
    EXPECT_TRUE(parsed.has_value()) << first17 << check << ": " << parsed.error().message;
  }
  EXPECT_TRUE(saw_zero);
  EXPECT_EQ(credit_code_check_character("9144030019220382"), '\0');    // 16 characters
  EXPECT_EQ(credit_code_check_character("914403001922038I1"), '\0');   // forbidden letter
  EXPECT_EQ(credit_code_check_character("91440300192203821x"), '\0');  // 18 characters
}

// Verifies changing any single character of a real code is detected (the point of a check character).
TEST(CreditCodeParse, DetectsEverySingleCharacterChange) {
  const std::string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const std::string code = "914403001922038216";
  int rejected = 0;
  int variants = 0;
  for (std::size_t i = 0; i < code.size(); ++i) {
    for (char c : alphabet) {
      if (c == code[i]) continue;
      std::string corrupted = code;
      corrupted[i] = c;
      ++variants;
      if (!CreditCode::parse(corrupted)) ++rejected;
    }
  }
  EXPECT_EQ(rejected, variants);
}

// Verifies a wrong check character is reported as such, with the expected one.
TEST(CreditCodeParse, RejectsWrongCheckCharacter) {
  EXPECT_THAT(credit_error("914403001922038217"), HasSubstr("check character"));
  EXPECT_THAT(credit_error("914403001922038217"), HasSubstr("give 6"));
  EXPECT_THAT(credit_error("91440300708461136U"), HasSubstr("check character"));
  // Two adjacent digits swapped in the body.
  EXPECT_THAT(credit_error("914403001922083216"), HasSubstr("check character"));
  EXPECT_EQ(CreditCode::parse("914403001922038217").error().code, ErrorCode::invalid);
}

// Verifies length, case and the character set are checked and named.
TEST(CreditCodeParse, RejectsWrongLengthCaseAndCharacters) {
  EXPECT_THAT(credit_error(""), HasSubstr("18 characters"));
  EXPECT_THAT(credit_error("91440300192203821"), HasSubstr("not 17"));
  EXPECT_THAT(credit_error("9144030019220382160"), HasSubstr("not 19"));
  EXPECT_THAT(credit_error(" 914403001922038216"), HasSubstr("18 characters"));
  EXPECT_THAT(credit_error("91440300708461136t"), HasSubstr("position 18 is a lower-case letter"));
  EXPECT_THAT(credit_error("91330100799655058b"), HasSubstr("lower-case"));
  EXPECT_THAT(credit_error("91440300708461I36T"), HasSubstr("letter I"));
  EXPECT_THAT(credit_error("9144030070846113OT"), HasSubstr("letter O"));
  EXPECT_THAT(credit_error("91440300708461136Z"), HasSubstr("letter Z"));
  EXPECT_THAT(credit_error("91440300S08461136T"), HasSubstr("letter S"));
  EXPECT_THAT(credit_error("91440300V08461136T"), HasSubstr("letter V"));
  EXPECT_THAT(credit_error("91440300-08461136T"),
              HasSubstr("position 9 is not a digit or an upper-case letter"));
}

// Verifies the registration authority, organization type and region parts are checked by name.
TEST(CreditCodeParse, RejectsBadAuthorityTypeAndRegion) {
  // Each variant has its check character recomputed, so only the named part is wrong.
  auto with_check = [](std::string first17) { return first17 + credit_code_check_character(first17); };
  EXPECT_THAT(credit_error(with_check("01440300192203821")), HasSubstr("registration authority"));
  EXPECT_THAT(credit_error(with_check("H1440300192203821")), HasSubstr("registration authority"));
  EXPECT_THAT(credit_error(with_check("90440300192203821")), HasSubstr("organization type"));
  EXPECT_THAT(credit_error(with_check("9A440300192203821")), HasSubstr("organization type"));
  EXPECT_THAT(credit_error(with_check("9144A300192203821")), HasSubstr("region code"));
  // Authorities allowed besides 1/5/9: the others the standard allocates, N (agriculture) and Y.
  for (char authority : std::string("2345678ABCDEFGNY")) {
    const std::string code = with_check(std::string(1, authority) + "1532301MA6K00001");
    EXPECT_TRUE(CreditCode::parse(code).has_value()) << code;
  }
}

// Verifies region codes are six digits with a non-zero province part.
TEST(RegionCodeParse, AcceptsSixDigitsOnly) {
  for (std::string_view good : {"530000", "532300", "532301", "532329", "530102", "110000", "820000"}) {
    auto parsed = RegionCode::parse(good);
    ASSERT_TRUE(parsed.has_value()) << good;
    EXPECT_EQ(parsed->str(), good);
  }
  for (std::string_view bad :
       {"", "53230", "5323010", "53230A", " 53230", "５３２３０１", "000000", "001234"}) {
    auto parsed = RegionCode::parse(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::invalid);
  }
  EXPECT_THAT(RegionCode::parse("5323").error().message, HasSubstr("six digits"));
  EXPECT_THAT(RegionCode::parse("001234").error().message, HasSubstr("province"));
}

RegionCode region(std::string_view text) {
  return *RegionCode::parse(text);
}

// Verifies the level is read from the trailing zeros.
TEST(RegionCodeLevel, ReadsLevelFromTrailingZeros) {
  EXPECT_EQ(region("530000").level(), RegionLevel::province);
  EXPECT_EQ(region("532300").level(), RegionLevel::prefecture);
  EXPECT_EQ(region("530100").level(), RegionLevel::prefecture);
  EXPECT_EQ(region("532301").level(), RegionLevel::county);
  EXPECT_EQ(region("530102").level(), RegionLevel::county);
}

// Verifies containment at province, prefecture and county level, for 楚雄 and for 昆明's districts.
TEST(RegionCodeContains, FollowsTheAdministrativeHierarchy) {
  // Province 云南 530000 contains 楚雄州 532300 and its cities and counties.
  EXPECT_TRUE(region("530000").contains(region("530000")));
  EXPECT_TRUE(region("530000").contains(region("532300")));
  EXPECT_TRUE(region("530000").contains(region("532301")));
  EXPECT_TRUE(region("532300").contains(region("532300")));
  EXPECT_TRUE(region("532300").contains(region("532301")));  // 楚雄市
  EXPECT_TRUE(region("532300").contains(region("532329")));  // 武定县
  EXPECT_TRUE(region("532301").contains(region("532301")));
  // A municipal district 五华区 530102 lies within 昆明市 530100 within 云南 530000.
  EXPECT_TRUE(region("530100").contains(region("530102")));
  EXPECT_TRUE(region("530000").contains(region("530100")));
  EXPECT_TRUE(region("530000").contains(region("530102")));

  // Never upwards, sideways or across provinces.
  EXPECT_FALSE(region("532301").contains(region("532300")));
  EXPECT_FALSE(region("532300").contains(region("530000")));
  EXPECT_FALSE(region("532301").contains(region("532302")));
  EXPECT_FALSE(region("532300").contains(region("530102")));
  EXPECT_FALSE(region("530100").contains(region("532301")));
  EXPECT_FALSE(region("530000").contains(region("510000")));
  EXPECT_FALSE(region("530000").contains(region("510101")));
}

// Verifies the region a record touching several regions is filed under: the narrowest that contains them
// all, or none when they span provinces.
TEST(EnclosingRegion, NarrowestCommonRegion) {
  using V = std::vector<std::string>;
  const auto of = [](V codes) {
    auto r = enclosing_region(codes);
    return r ? r->str() : std::string("-");
  };
  EXPECT_EQ(of({"532301"}), "532301");
  EXPECT_EQ(of({"532301", "532301"}), "532301");
  EXPECT_EQ(of({"532301", "532302"}), "532300");
  EXPECT_EQ(of({"532301", "532300"}), "532300");
  EXPECT_EQ(of({"532300", "532301"}), "532300");
  EXPECT_EQ(of({"532301", "530102"}), "530000");
  EXPECT_EQ(of({"532301", "110101"}), "-");
  EXPECT_EQ(of({}), "-");
  EXPECT_EQ(of({"532301", "5323"}), "-");
}

}  // namespace
}  // namespace pactwatch::domain
