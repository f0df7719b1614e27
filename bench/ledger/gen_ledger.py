#!/usr/bin/env python3
"""Generates a synthetic 楚雄州 ledger as SQL for the ledger API benchmark (bench/ledger_bench.sh).

Writes INSERT statements (multi-row, in one transaction) that both SQLite and MariaDB accept, for a database
already migrated by `pactwatch migrate`, and the agreement ids (one a line) for the wrk script. Rows have
the shape the store writes (ids in ULID layout with their type prefix, dates YYYY-MM-DD, instants RFC 3339
UTC with milliseconds, money in fen, credit codes with a valid GB 32100-2015 check character):

- bodies: the prefecture government and 25 departments (532300); per county (the 10 of 532300) the
  government, 15 departments and 8 townships;
- 3 officials per body, each with one open post there (head of the body for the first);
- organizations (default 5,000, two thirds SME) registered in the counties;
- agreements (default 100,000): 70 % procurement, 8 % PPP, 10 % investment, 12 % public pledge (no
  counterparty), bodies weighted towards 楚雄市 (532301) and the prefecture; procurement and PPP carry a
  platform project code, a unified deal code and an OCDS ocid, investment a unified deal code;
  each has one stage with one assignment of an official of its body;
- commitments (default 3 per agreement): the counterparty's delivery, the government's acceptance and
  its payment (a pledge: three government commitments).

Deterministic for a given --seed. Usage:
  gen_ledger.py --agreements 100000 --sql OUT.sql --ids OUT.ids [--dialect sqlite|mysql]
"""

import argparse
import random
import sys

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

PREFECTURE = ("532300", "楚雄州")
COUNTIES = [
    ("532301", "楚雄市"), ("532302", "禄丰市"), ("532322", "双柏县"), ("532323", "牟定县"),
    ("532324", "南华县"), ("532325", "姚安县"), ("532326", "大姚县"), ("532327", "永仁县"),
    ("532328", "元谋县"), ("532329", "武定县"),
]
DEPARTMENTS = [
    "财政局", "发展和改革委员会", "招商合作局", "住房和城乡建设局", "交通运输局", "教育体育局", "卫生健康委员会",
    "农业农村局", "水务局", "自然资源局", "生态环境局", "工业和信息化局", "商务局", "文化和旅游局", "民政局",
    "人力资源和社会保障局", "应急管理局", "市场监督管理局", "林业和草原局", "公安局", "司法局", "审计局",
    "统计局", "医疗保障局", "公共资源交易中心",
]
TOWNSHIPS = ["东华镇", "吕合镇", "紫溪镇", "东瓜镇", "苍岭镇", "三街镇", "八角镇", "中山镇"]
SURNAMES = "李王张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "建国志强明华丽娟永红海燕文斌春梅云峰晓东玉兰德才秀英伟刚光荣家旭"
ORG_WORDS = ["云岭", "滇中", "彝乡", "紫溪", "元谋", "鹿城", "金沙", "龙川", "哀牢", "恐龙谷", "青山", "宏达", "恒信", "博学"]
ORG_TRADES = ["信息技术", "建设工程", "建材", "医疗器械", "教学设备", "水务投资", "农业开发", "物业服务", "环保科技", "交通工程"]
PROCUREMENT = ["办公设备采购", "智慧教室设备采购", "医疗设备采购", "道路维修工程", "物业管理服务", "信息化系统建设", "校舍维修改造",
               "污水管网改造", "农村饮水安全工程", "公务用车采购"]
PPP = ["城市供水PPP项目", "污水处理厂PPP项目", "综合管廊PPP项目", "停车场PPP项目"]
INVESTMENT = ["绿色食品加工园区招商项目", "光伏产业园投资协议", "文旅康养综合体投资协议", "硅材料产业投资协议"]
PLEDGE = ["承诺为企业办理审批限时办结", "承诺按期兑现招商奖励资金", "承诺清理拖欠中小企业账款", "承诺完成农村公路硬化"]
BASE_MS = 1735660800000  # 2025-01-01 00:00 Asia/Shanghai: ids and created_at advance from here, one step per row


class Ids:
    """ULID-layout ids (48-bit milliseconds + 80 random bits) that sort in the order they are made."""

    def __init__(self, rng):
        self.rng = rng
        self.ms = BASE_MS

    def next(self, prefix):
        self.ms += 1
        t, chars = self.ms, []
        for _ in range(10):
            chars.append(CROCKFORD[t & 31])
            t >>= 5
        r = self.rng.getrandbits(80)
        tail = []
        for _ in range(16):
            tail.append(CROCKFORD[r & 31])
            r >>= 5
        return prefix + "_" + "".join(reversed(chars)) + "".join(reversed(tail)), self.instant()

    def instant(self):
        s, ms = divmod(self.ms, 1000)
        days, rest = divmod(s, 86400)
        return "%sT%02d:%02d:%02d.%03dZ" % (date_of(days), rest // 3600, rest % 3600 // 60, rest % 60, ms)


def date_of(days_since_epoch):
    """Civil date (proleptic Gregorian) of a day count since 1970-01-01, as YYYY-MM-DD."""
    z = days_since_epoch + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return "%04d-%02d-%02d" % (y + (m <= 2), m, d)


def credit_code(region, serial):
    """An 18-character 统一社会信用代码 (registry 9, kind 1, the region, 9 serial characters) with its check."""
    body = "91" + region + "MA" + "%07d" % serial
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS))
    return body + CREDIT_CHARS[(31 - total % 31) % 31]


def q(value):
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


class Writer:
    """Multi-row INSERTs of at most `batch` rows per table, all inside one transaction."""

    def __init__(self, out, batch=500):
        self.out, self.batch = out, batch
        self.tables = {}  # table -> (columns, rows), in first-use order

    def add(self, table, columns, row):
        rows = self.tables.setdefault(table, (columns, []))[1]
        rows.append("(" + ",".join(q(v) for v in row) + ")")
        if len(rows) >= self.batch:
            self.flush_table(table)

    def flush_table(self, table):
        columns, rows = self.tables[table]
        if rows:
            self.out.write("INSERT INTO %s (%s) VALUES\n%s;\n" % (table, columns, ",\n".join(rows)))
            rows.clear()

    def flush(self):
        for table in self.tables:
            self.flush_table(table)


def person(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")


def generate(args, out, ids_out):
    rng = random.Random(args.seed)
    ids = Ids(rng)
    w = Writer(out)
    if args.dialect == "sqlite":
        out.write("PRAGMA foreign_keys = OFF;\nPRAGMA synchronous = OFF;\n")
    else:
        out.write("SET foreign_key_checks = 0; SET unique_checks = 0;\n")
    out.write("BEGIN;\n")

    body_cols = "id, name, region, kind, parent_id, version, created_at, updated_at"
    bodies = []  # (id, region, weight)

    def add_body(name, region, kind, parent, weight):
        bid, now = ids.next("bod")
        w.add("bodies", body_cols, (bid, name, region, kind, parent, 1, now, now))
        bodies.append((bid, region, weight))
        return bid

    gov = add_body("楚雄彝族自治州人民政府", PREFECTURE[0], "government", None, 3.0)
    for dept in DEPARTMENTS:
        add_body("楚雄州" + dept, PREFECTURE[0], "department", gov, 3.0)
    for code, name in COUNTIES:
        weight = 3.0 if code == "532301" else 1.0  # the prefecture's seat signs the most
        cgov = add_body(name + "人民政府", code, "government", None, weight)
        for dept in DEPARTMENTS[:15]:
            add_body(name + dept, code, "department", cgov, weight)
        for town in TOWNSHIPS:
            add_body(name + town + "人民政府", code, "township", cgov, weight * 0.5)

    officials = {}  # body id -> [official ids]
    off_cols = "id, name, version, created_at, updated_at"
    post_cols = "official_id, seq, body_id, title, from_date, to_date, head"
    for bid, _, _ in bodies:
        officials[bid] = []
        for k in range(3):
            oid, now = ids.next("off")
            w.add("officials", off_cols, (oid, person(rng), 1, now, now))
            officials[bid].append(oid)
    for bid, _, _ in bodies:
        for k, oid in enumerate(officials[bid]):
            title = ["主要负责人", "分管副职", "科室负责人"][k]
            w.add("posts", post_cols, (oid, 1, bid, title, "2023-%02d-01" % (1 + k * 3), None, 1 if k == 0 else 0))

    org_cols = "id, name, credit_code, sme, version, created_at, updated_at"
    orgs = []
    for n in range(args.organizations):
        code, county = COUNTIES[n % len(COUNTIES)]
        oid, now = ids.next("org")
        name = "%s%s%s%s有限公司" % (county, rng.choice(ORG_WORDS), rng.choice(ORG_TRADES), "" if n < 140 else str(n))
        w.add("organizations", org_cols, (oid, name, credit_code(code, n + 1), 1 if n % 3 else 0, 1, now, now))
        orgs.append(oid)

    agr_cols = ("id, kind, title, body_id, counterparty_id, value_fen, currency, signed_on, platform_project_code,"
                " unified_deal_code, ocid, version, created_at, updated_at")
    stage_cols = "agreement_id, kind"
    asg_cols = "agreement_id, stage_kind, seq, official_id, role, from_date, to_date"
    com_cols = ("id, agreement_id, obligor_side, obligor_id, kind, title, due, amount_fen, currency, grace_days,"
                " stage, committing_official_id, payment_term_days, version, created_at, updated_at")
    weights = [b[2] for b in bodies]
    first_day = 19723  # 2024-01-01
    for n in range(args.agreements):
        body_id, region, _ = rng.choices(bodies, weights)[0]
        roll = rng.random()
        kind = "procurement" if roll < 0.70 else "ppp" if roll < 0.78 else "investment" if roll < 0.88 else "pledge"
        signed_day = first_day + rng.randrange(0, 900)
        signed = date_of(signed_day)
        year = signed[:4]
        counterparty = None if kind == "pledge" else rng.choice(orgs)
        ppc = udc = ocid = None
        if kind == "procurement":
            title = rng.choice(PROCUREMENT)
            value = rng.randrange(50_000, 5_000_000) * 100
            ppc = "CXZC%s-%06d" % (year, n)
            udc = "%s%sZC%06d" % (region, signed.replace("-", ""), n)
            ocid = "ocds-cxggzy-" + ppc
        elif kind == "ppp":
            title = rng.choice(PPP)
            value = rng.randrange(20_000_000, 900_000_000) * 100
            ppc = "CXPPP%s-%06d" % (year, n)
            udc = "%s%sPP%06d" % (region, signed.replace("-", ""), n)
            ocid = "ocds-cxggzy-" + ppc
        elif kind == "investment":
            title = rng.choice(INVESTMENT)
            value = rng.randrange(10_000_000, 2_000_000_000) * 100
            udc = "%s%sZS%06d" % (region, signed.replace("-", ""), n)
        else:
            title = rng.choice(PLEDGE)
            value = rng.randrange(0, 20_000_000) * 100
        aid, now = ids.next("agr")
        ids_out.write(aid + "\n")
        w.add("agreements", agr_cols,
              (aid, kind, title, body_id, counterparty, value, "CNY", signed, ppc, udc, ocid, 1, now, now))
        stage = {"procurement": "implementation", "ppp": "financing", "investment": "preparation",
                 "pledge": "implementation"}[kind]
        official = rng.choice(officials[body_id])
        w.add("stages", stage_cols, (aid, stage))
        w.add("assignments", asg_cols, (aid, stage, 1, official, "政府方责任人", signed, None))
        for k in range(args.commitments):
            cid, cnow = ids.next("com")
            due = date_of(signed_day + 30 * (k + 1) + rng.randrange(0, 20))
            if kind == "pledge":
                row = (cid, aid, "government", body_id, "other", title + "（第%d项）" % (k + 1), due, None, None, 0,
                       stage, official, None)
            elif k % 3 == 0:
                row = (cid, aid, "counterparty", counterparty, "delivery", "按合同约定交付", due, None, None, 0, stage, None,
                       None)
            elif k % 3 == 1:
                row = (cid, aid, "government", body_id, "acceptance", "组织履约验收", due, None, None, 0, stage, official,
                       None)
            else:
                row = (cid, aid, "government", body_id, "payment", "支付合同价款", due, value, "CNY", 0, stage, official,
                       30)
            w.add("commitments", com_cols, row + (1, cnow, cnow))
    w.flush()
    out.write("COMMIT;\n")
    if args.dialect == "mysql":
        out.write("SET foreign_key_checks = 1; SET unique_checks = 1;\n")
        # Fresh statistics, as a server that has been running would have (the tables were empty at migrate).
        # InnoDB recomputes statistics after a 10 % change, in the background: have them before measuring, as a
        # server that has been running would. (SQLite has none unless ANALYZE runs, which pactwatch never does.)
        out.write("ANALYZE TABLE bodies, officials, posts, organizations, agreements, stages, assignments, commitments;\n")
    print("generated %d bodies, %d officials, %d organizations, %d agreements, %d commitments"
          % (len(bodies), 3 * len(bodies), len(orgs), args.agreements, args.agreements * args.commitments),
          file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--agreements", type=int, default=100_000)
    p.add_argument("--organizations", type=int, default=5_000)
    p.add_argument("--commitments", type=int, default=3, help="commitments per agreement")
    p.add_argument("--seed", type=int, default=20261126)
    p.add_argument("--dialect", choices=["sqlite", "mysql"], default="sqlite")
    p.add_argument("--sql", required=True, help="SQL output file ('-' for stdout)")
    p.add_argument("--ids", required=True, help="agreement ids, one a line")
    args = p.parse_args()
    with (sys.stdout if args.sql == "-" else open(args.sql, "w", encoding="utf-8")) as out, \
            open(args.ids, "w", encoding="ascii") as ids_out:
        generate(args, out, ids_out)


if __name__ == "__main__":
    main()
