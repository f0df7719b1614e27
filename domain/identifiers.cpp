#include "domain/identifiers.hpp"

#include <array>
#include <string>

namespace pactwatch::domain {
namespace {

constexpr std::size_t kCreditCodeLength = 18;

// GB 32100-2015 character values: 0-9 are 0-9, then the upper-case letters without I, O, S, V, Z, so
// that Y is 30. The index of a character in this string is its value.
constexpr std::string_view kCreditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kCreditCodeWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                    29, 25, 13, 8,  24, 10, 30, 28};

/** The GB 32100 value of `c`, or -1 when `c` is not in the code's character set. */
int credit_code_value(char c) {
  const auto index = kCreditCodeAlphabet.find(c);
  return index == std::string_view::npos ? -1 : static_cast<int>(index);
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/**
 * Registration authorities (登记管理部门, position 1): 1-9 and A-G as the standard and its amendments
 * allocate them, N for agriculture departments (农业农村部门, which register rural collective economic
 * organizations 农村集体经济组织 since 2018), and Y for "other".
 */
bool is_registration_authority(char c) {
  return (c >= '1' && c <= '9') || (c >= 'A' && c <= 'G') || c == 'N' || c == 'Y';
}

/** Organization types (机构类别, position 2) are numbered 1-9 within each authority. */
bool is_organization_type(char c) {
  return c >= '1' && c <= '9';
}

std::unexpected<Error> reject_credit_code(std::string_view text, std::string_view reason) {
  std::string message = "unified social credit code \"";
  message.append(text);
  message += "\" is invalid: ";
  message.append(reason);
  return fail(ErrorCode::invalid, std::move(message));
}

std::string position_of(std::size_t index) {
  return "position " + std::to_string(index + 1);
}

}  // namespace

char credit_code_check_character(std::string_view first17) {
  if (first17.size() != kCreditCodeWeights.size()) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < first17.size(); ++i) {
    const int value = credit_code_value(first17[i]);
    if (value < 0) return '\0';
    sum += value * kCreditCodeWeights[i];
  }
  // check = 31 - (sum mod 31), where 31 itself is written as 0.
  const int check = (31 - sum % 31) % 31;
  return kCreditCodeAlphabet[static_cast<std::size_t>(check)];
}

Result<CreditCode> CreditCode::parse(std::string_view text) {
  if (text.size() != kCreditCodeLength) {
    return reject_credit_code(
        text, "it must be 18 characters (digits and upper-case letters), not " + std::to_string(text.size()));
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (credit_code_value(c) >= 0) continue;
    if (c >= 'a' && c <= 'z') {
      return reject_credit_code(text, position_of(i) + " is a lower-case letter; codes are upper case");
    }
    if (c == 'I' || c == 'O' || c == 'S' || c == 'V' || c == 'Z') {
      return reject_credit_code(text, position_of(i) + " is the letter " + std::string(1, c) +
                                          ", which codes never use (no I, O, S, V, Z)");
    }
    return reject_credit_code(text, position_of(i) + " is not a digit or an upper-case letter");
  }
  if (!is_registration_authority(text[0])) {
    return reject_credit_code(text, "position 1 is not a registration authority code (1-9, A-G, N, Y)");
  }
  if (!is_organization_type(text[1])) {
    return reject_credit_code(text, "position 2 is not an organization type code (1-9)");
  }
  for (std::size_t i = 2; i < 8; ++i) {
    if (!is_digit(text[i])) return reject_credit_code(text, "positions 3-8 must be a 6-digit region code");
  }
  const char expected = credit_code_check_character(text.substr(0, 17));
  if (text[17] != expected) {
    return reject_credit_code(text, std::string("the check character (position 18) is ") + text[17] +
                                        " but the first 17 characters give " + expected +
                                        "; a character is mistyped");
  }
  return CreditCode{std::string(text)};
}

Result<RegionCode> RegionCode::parse(std::string_view text) {
  bool six_digits = text.size() == 6;
  for (char c : text)
    six_digits = six_digits && is_digit(c);
  if (!six_digits) {
    std::string message = "region code \"";
    message.append(text);
    message += "\" is invalid: it must be exactly six digits (GB/T 2260)";
    return fail(ErrorCode::invalid, std::move(message));
  }
  if (text.substr(0, 2) == "00") {
    std::string message = "region code \"";
    message.append(text);
    message += "\" is invalid: the province part (first two digits) cannot be 00";
    return fail(ErrorCode::invalid, std::move(message));
  }
  return RegionCode{std::string(text)};
}

RegionLevel RegionCode::level() const {
  if (text_.ends_with("0000")) return RegionLevel::province;
  if (text_.ends_with("00")) return RegionLevel::prefecture;
  return RegionLevel::county;
}

bool RegionCode::contains(const RegionCode& other) const {
  switch (level()) {
    case RegionLevel::province:
      return other.text_.starts_with(std::string_view(text_).substr(0, 2));
    case RegionLevel::prefecture:
      return other.text_.starts_with(std::string_view(text_).substr(0, 4));
    case RegionLevel::county:
      return other.text_ == text_;
  }
  return false;
}

std::optional<RegionCode> enclosing_region(std::span<const std::string> codes) {
  std::optional<RegionCode> out;
  for (const auto& text : codes) {
    auto code = RegionCode::parse(text);
    if (!code) return std::nullopt;
    if (!out) {
      out = *code;
      continue;
    }
    while (!out->contains(*code)) {
      // Up one level: a county's prefecture, a prefecture's province; above a province there is nothing.
      const std::string& t = out->str();
      if (out->level() == RegionLevel::province) return std::nullopt;
      out = *RegionCode::parse(out->level() == RegionLevel::county ? t.substr(0, 4) + "00"
                                                                   : t.substr(0, 2) + "0000");
    }
  }
  return out;
}

}  // namespace pactwatch::domain
