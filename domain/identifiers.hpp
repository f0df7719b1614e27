#pragma once
// Identifiers issued by the state: the unified social credit code (统一社会信用代码, GB 32100-2015) that
// identifies every organization, and the administrative region code (行政区划代码, GB/T 2260).

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/result.hpp"

namespace pactwatch::domain {

/** An 18-character unified social credit code whose check character (position 18) is valid. */
class CreditCode {
 public:
  /**
   * Validates length, the character set (digits and upper-case letters except I, O, Z, S, V), the
   * registration-authority and organization-type codes, the 6-digit region part, and the check
   * character computed with the GB 32100-2015 weights modulo 31. The error says which check failed.
   *
   * Registration authority (position 1): 1-9, A-G, N (农业农村部门, rural collective economic
   * organizations) or Y. Organization type (position 2): 1-9. The region part (positions 3-8) must be six
   * digits but is not checked against GB/T 2260: central registrations use 100000, and codes keep the
   * region they were issued in after regions are renamed. The GB 11714 check character of the embedded
   * organization code (position 17) is deliberately NOT validated: the GB 32100 check character already
   * catches any single mistyped character, and refusing a registered, published code for a defect in
   * its legacy part would quarantine real records.
   */
  static Result<CreditCode> parse(std::string_view text);
  const std::string& str() const { return text_; }
  /** Positions 3-8: the region code of the registering authority (登记管理机关行政区划码). */
  std::string_view region_part() const { return std::string_view(text_).substr(2, 6); }
  friend bool operator==(const CreditCode&, const CreditCode&) = default;

 private:
  explicit CreditCode(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

/**
 * The GB 32100-2015 check character (position 18) for the first 17 characters of a credit code, e.g. for
 * making valid demo codes. Returns '\0' when `first17` is not 17 characters of the code's character set.
 */
char credit_code_check_character(std::string_view first17);

/** The level of a region code, read from its trailing zeros. */
enum class RegionLevel {
  province,    ///< XX0000 (省级)
  prefecture,  ///< XXYY00 (地级, e.g. 532300 楚雄彝族自治州)
  county,      ///< XXYYZZ (县级, incl. municipal districts such as 530102)
};

/** A 6-digit GB/T 2260 region code: province XX0000, prefecture XXYY00, county XXYYZZ. */
class RegionCode {
 public:
  /** Exactly six ASCII digits, a non-zero province part. */
  static Result<RegionCode> parse(std::string_view text);
  const std::string& str() const { return text_; }

  /**
   * True when `other` lies within this region: equal codes, a prefecture (532300) contains its counties
   * (532301), a province (530000) contains all of 53xxxx.
   */
  bool contains(const RegionCode& other) const;
  RegionLevel level() const;
  friend bool operator==(const RegionCode&, const RegionCode&) = default;

 private:
  explicit RegionCode(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

/**
 * The narrowest region that contains every code in `codes` (532301 and 532302: 532300; 532301 alone:
 * 532301; 532301 and 530102: 530000). nullopt when `codes` is empty, holds an invalid code, or spans
 * provinces. What a record that touches several regions is filed under, so that a region-scoped reader
 * sees it only when it lies wholly within their region.
 */
std::optional<RegionCode> enclosing_region(std::span<const std::string> codes);

}  // namespace pactwatch::domain
