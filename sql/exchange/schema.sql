-- Exchange database (前置库) of the public resource trading platform (公共资源交易平台), in the style of the
-- national 公共资源交易平台系统数据规范: upper-case column names, amounts in 万元 as DECIMAL(18,6), and a
-- DATA_TIMESTAMP (数据时间戳) that the platform sets on every insert and update. pactwatch only reads these
-- tables (adapters/platform/exchange/); docs/EXCHANGE_DB.md documents every column and how it maps.
--
-- The exchange database has no foreign keys on purpose: the platform pushes each table on its own
-- schedule, so a payment may arrive before its contract. Keys are ASCII with a binary collation so that
-- the database orders them exactly as the reader compares them (byte order).

-- 政府采购合同信息 (contracts)
CREATE TABLE IF NOT EXISTS CONTRACT_INFO (
  CONTRACT_CODE      VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, -- 合同编号
  UNIFIED_DEAL_CODE  VARCHAR(64) NULL,      -- 统一交易标识码
  PROJECT_CODE       VARCHAR(64) NULL,      -- 项目编号
  BID_SECTION_CODE   VARCHAR(64) NULL,      -- 标段（包）编号
  CONTRACT_NAME      VARCHAR(500) NULL,     -- 合同名称
  IS_PPP             CHAR(1) NULL,          -- 是否PPP项目 1/0
  PURCHASER_NAME     VARCHAR(200) NULL,     -- 采购人名称
  PURCHASER_CODE     VARCHAR(32) NULL,      -- 采购人统一社会信用代码
  SUPPLIER_NAME      VARCHAR(200) NULL,     -- 供应商名称
  SUPPLIER_CODE      VARCHAR(32) NULL,      -- 供应商统一社会信用代码
  SUPPLIER_IS_SME    CHAR(1) NULL,          -- 供应商是否中小企业 1/0
  CONTRACT_AMOUNT    DECIMAL(18,6) NULL,    -- 合同金额（万元）
  CURRENCY_CODE      VARCHAR(3) NULL,       -- 币种, CNY when NULL
  SIGN_DATE          DATE NULL,             -- 合同签订日期
  PAYMENT_TERM_DAYS  INT NULL,              -- 付款期限（天）: days after acceptance (or delivery)
  DELIVERY_DATE      DATE NULL,             -- 约定交付日期
  PERFORM_END_DATE   DATE NULL,             -- 履约期限截止日期
  REGION_CODE        CHAR(6) NULL,          -- 行政区划代码 (GB/T 2260)
  PLATFORM_CODE      VARCHAR(32) NULL,      -- 交易平台标识码
  DATA_TIMESTAMP     DATETIME(6) NOT NULL,  -- 数据时间戳
  PRIMARY KEY (CONTRACT_CODE),
  KEY IX_CONTRACT_INFO_SYNC (DATA_TIMESTAMP, CONTRACT_CODE)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 履约验收结果 (acceptance results)
CREATE TABLE IF NOT EXISTS CONTRACT_ACCEPTANCE (
  ACCEPTANCE_CODE      VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, -- 验收单编号
  UNIFIED_DEAL_CODE    VARCHAR(64) NULL,    -- 统一交易标识码
  CONTRACT_CODE        VARCHAR(64) NULL,    -- 合同编号
  ACCEPTANCE_RESULT    VARCHAR(8) NULL,     -- 验收结论 1 合格 / 0 不合格
  ACCEPTANCE_DATE      DATE NULL,           -- 验收日期
  ACCEPTANCE_SCORE     DECIMAL(5,2) NULL,   -- 验收评分 0-100
  ACTUAL_DELIVERY_DATE DATE NULL,           -- 实际交付日期
  ACCEPTANCE_OPINION   VARCHAR(1000) NULL,  -- 验收意见
  REGION_CODE          CHAR(6) NULL,
  PLATFORM_CODE        VARCHAR(32) NULL,
  DATA_TIMESTAMP       DATETIME(6) NOT NULL,
  PRIMARY KEY (ACCEPTANCE_CODE),
  KEY IX_CONTRACT_ACCEPTANCE_SYNC (DATA_TIMESTAMP, ACCEPTANCE_CODE)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 合同支付信息 (payments)
CREATE TABLE IF NOT EXISTS CONTRACT_PAYMENT (
  PAYMENT_CODE       VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, -- 支付单号
  UNIFIED_DEAL_CODE  VARCHAR(64) NULL,
  CONTRACT_CODE      VARCHAR(64) NULL,
  PAY_SEQ            INT NULL,              -- 支付期次
  PAY_AMOUNT         DECIMAL(18,6) NULL,    -- 支付金额（万元）
  CURRENCY_CODE      VARCHAR(3) NULL,
  PAY_DATE           DATE NULL,             -- 支付日期
  PAYER_NAME         VARCHAR(200) NULL,     -- 付款单位
  PLATFORM_CODE      VARCHAR(32) NULL,
  DATA_TIMESTAMP     DATETIME(6) NOT NULL,
  PRIMARY KEY (PAYMENT_CODE),
  KEY IX_CONTRACT_PAYMENT_SYNC (DATA_TIMESTAMP, PAYMENT_CODE)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 合同变更信息 (contract changes)
CREATE TABLE IF NOT EXISTS CONTRACT_CHANGE (
  CHANGE_CODE          VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, -- 变更编号
  UNIFIED_DEAL_CODE    VARCHAR(64) NULL,
  CONTRACT_CODE        VARCHAR(64) NULL,
  CHANGE_TYPE          VARCHAR(8) NULL,     -- 变更类型 1 金额 / 2 履约期限 / 3 付款期限 / 9 其他
  CHANGE_DATE          DATE NULL,           -- 变更日期
  NEW_AMOUNT           DECIMAL(18,6) NULL,  -- 变更后合同金额（万元）
  NEW_DATE             DATE NULL,           -- 变更后交付或付款日期
  CHANGE_REASON        VARCHAR(1000) NULL,  -- 变更原因
  LEGAL_BASIS          VARCHAR(500) NULL,   -- 法律依据
  APPROVE_AUTHORITY    VARCHAR(200) NULL,   -- 批准机关
  APPROVE_DOC_NO       VARCHAR(100) NULL,   -- 批准文号
  SUPPLIER_LOSS        CHAR(1) NULL,        -- 供应商是否受损失 1/0
  COMPENSATION         VARCHAR(500) NULL,   -- 补偿决定
  PLATFORM_CODE        VARCHAR(32) NULL,
  DATA_TIMESTAMP       DATETIME(6) NOT NULL,
  PRIMARY KEY (CHANGE_CODE),
  KEY IX_CONTRACT_CHANGE_SYNC (DATA_TIMESTAMP, CHANGE_CODE)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 合同终止（解除）信息 (terminations)
CREATE TABLE IF NOT EXISTS CONTRACT_TERMINATION (
  TERMINATE_CODE       VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL, -- 终止编号
  UNIFIED_DEAL_CODE    VARCHAR(64) NULL,
  CONTRACT_CODE        VARCHAR(64) NULL,
  TERMINATE_DATE       DATE NULL,           -- 终止日期
  TERMINATE_PARTY      VARCHAR(8) NULL,     -- 提出方 1 采购人（政府方） / 2 供应商 / 3 双方协商
  TERMINATE_REASON     VARCHAR(1000) NULL,  -- 终止原因
  REASON_CODE          VARCHAR(32) NULL,    -- 原因代码 government_turnover, personnel_change, ...
  LEGAL_BASIS          VARCHAR(500) NULL,   -- 解除依据
  COMPENSATION         VARCHAR(500) NULL,   -- 补偿决定
  COMPENSATION_AMOUNT  DECIMAL(18,6) NULL,  -- 补偿金额（万元）
  PLATFORM_CODE        VARCHAR(32) NULL,
  DATA_TIMESTAMP       DATETIME(6) NOT NULL,
  PRIMARY KEY (TERMINATE_CODE),
  KEY IX_CONTRACT_TERMINATION_SYNC (DATA_TIMESTAMP, TERMINATE_CODE)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
