// The rule catalogue (DESIGN §3): what each rule is, its basis, where and since when it applies.
#include <array>

#include "domain/rules.hpp"

namespace pactwatch::domain {

namespace {

using std::chrono::year;

constexpr std::uint8_t kProcurement = 1u << static_cast<int>(AgreementKind::procurement);
constexpr std::uint8_t kPpp = 1u << static_cast<int>(AgreementKind::ppp);
constexpr std::uint8_t kInvestment = 1u << static_cast<int>(AgreementKind::investment);
constexpr std::uint8_t kPledge = 1u << static_cast<int>(AgreementKind::pledge);
constexpr std::uint8_t kAll = kProcurement | kPpp | kInvestment | kPledge;

// Contract-term rules apply to any agreement on file; the others from the date their basis took effect:
// the seed measures (楚政通〔2018〕22号, 2018-06-14), 国发〔2016〕76号 (2016-12-22) and the
// 保障中小企业款项支付条例 (in force 2020-09-01).
constexpr Date kContractLaw = year{1999} / 10 / 1;
constexpr Date kSeed = year{2018} / 6 / 14;
constexpr Date kGuofa76 = year{2016} / 12 / 22;
constexpr Date kSmePayment = year{2020} / 9 / 1;

const std::array<RuleInfo, 15> kCatalogue{{
    {RuleCode::BC01, "逾期未履行", "overdue", "合同约定 (contract terms)",
     "minor; general past 30 days or >= 1,000,000 CNY; serious past 90 days or >= 10,000,000 CNY",
     kProcurement | kPpp | kInvestment, kContractLaw, std::nullopt, false},
    {RuleCode::BC02, "部分履行", "partial performance", "合同约定 (contract terms)",
     "as BC01, by the shortfall", kProcurement | kPpp | kInvestment, kContractLaw, std::nullopt, false},
    {RuleCode::BC03, "拖欠账款", "arrears", "保障中小企业款项支付条例 第八条、第九条、第十一条",
     "general; serious past 90 days late; severe past 180 days late", kProcurement | kPpp, kSmePayment,
     std::nullopt, false},
    {RuleCode::BC04, "违法变更承诺", "unlawful change", "楚政通〔2018〕22号 三(四); 国发〔2016〕76号",
     "serious", kAll, kGuofa76, std::nullopt, false},
    {RuleCode::BC05, "以换届或人员更替为由违约", "turnover default",
     "楚政通〔2018〕22号 三(四); 发改财金〔2023〕1103号", "severe, always", kAll, kSeed, std::nullopt, false},
    {RuleCode::BC06, "不履行生效裁判", "judgment unfulfilled", "楚政通〔2018〕22号 一(二)",
     "severe; blocks promotion of the body's leaders", kAll, kSeed, std::nullopt, false},
    {RuleCode::BC07, "履约验收不合格", "acceptance failed", "楚政通〔2018〕22号 三(一)", "general",
     kProcurement | kPpp, kSeed, std::nullopt, false},
    {RuleCode::BC08, "违法解除合同", "unlawful termination", "楚政通〔2018〕22号 三(二)(四)", "serious",
     kProcurement | kPpp | kInvestment, kSeed, std::nullopt, false},
    {RuleCode::BC09, "多次失信", "repeat", "楚政通〔2018〕22号 一(三)",
     "serious; 3 or more recorded breaches within 365 days", kAll, kSeed, std::nullopt, false},
    {RuleCode::BC10, "公开承诺未兑现", "pledge unfulfilled", "楚政通〔2018〕22号 三(六)", "general", kPledge,
     kSeed, std::nullopt, false},
    {RuleCode::W01, "即将到期", "due soon", "楚政通〔2018〕22号 二(三) 监测预警",
     "warning; within 10 working days", kAll, kSeed, std::nullopt, true},
    {RuleCode::W02, "多次延期", "extended repeatedly", "楚政通〔2018〕22号 二(三) 监测预警",
     "warning; due date extended twice or more", kAll, kSeed, std::nullopt, true},
    {RuleCode::W03, "变更增加金额", "value increased", "楚政通〔2018〕22号 二(三) 监测预警",
     "warning; amendments raised the value by more than 10 %", kAll, kSeed, std::nullopt, true},
    {RuleCode::W04, "整改期限临近", "rectification deadline near", "楚政通〔2018〕22号 一(三)",
     "warning; within 5 working days", kAll, kSeed, std::nullopt, true},
    {RuleCode::W05, "中小企业付款期限超长", "SME payment term over 60 days",
     "保障中小企业款项支付条例 第九条", "warning", kProcurement | kPpp, kSmePayment, std::nullopt, true},
}};

}  // namespace

std::span<const RuleInfo> rule_catalogue() {
  return kCatalogue;
}

const RuleInfo& rule_info(RuleCode code) {
  return kCatalogue[static_cast<std::size_t>(code)];
}

}  // namespace pactwatch::domain
