#pragma once
// Identifiers issued by the state: the unified social credit code (统一社会信用代码, GB 32100-2015) that
// identifies every organization, and the administrative region code (行政区划代码, GB/T 2260).

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
   */
  static Result<CreditCode> parse(std::string_view text);
  const std::string& str() const { return text_; }
  friend bool operator==(const CreditCode&, const CreditCode&) = default;

 private:
  explicit CreditCode(std::string text) : text_(std::move(text)) {}
  std::string text_;
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
  friend bool operator==(const RegionCode&, const RegionCode&) = default;

 private:
  explicit RegionCode(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

}  // namespace pactwatch::domain
