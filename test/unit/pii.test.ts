import { describe, expect, it } from 'vitest';
import { DETECTORS, redactId, redactPii, redactText } from '../../server/domain/pii.ts';
import { cnIdValid, luhnValid } from '../../server/domain/pii-validators.ts';

/** [what a person wrote, what must be stored]. */
type Case = readonly [input: string, expected: string];

const ZWSP = '\u200b';

const CARDS: Case[] = [
  ['card 4111 1111 1111 1111', 'card [CARD]'],
  ['my visa is 4111-1111-1111-1111.', 'my visa is [CARD].'],
  ['4111.1111.1111.1111', '[CARD]'],
  ['4111  1111  1111  1111', '[CARD]'],
  ['4111/1111/1111/1111', '[CARD]'],
  [`4111${ZWSP}1111${ZWSP}1111${ZWSP}1111`, '[CARD]'],
  ['４１１１ １１１１ １１１１ １１１１', '[CARD]'],
  ['4111\u00a01111\u00a01111\u00a01111', '[CARD]'],
  ['pay with 5500 0000 0000 0004 now', 'pay with [CARD] now'],
  ['amex 378282246310005', 'amex [CARD]'],
  ['6011 1111 1111 1117', '[CARD]'],
  ['3530111333300000', '[CARD]'],
  ['diners 30569309025904', 'diners [CARD]'],
  ['4012 8888 8888 1881 is the one', '[CARD] is the one'],
  ['4111111111111111 12/27 123', '[CARD]'],
  ['4111111111111111/1227/123', '[CARD]'],
  ['41111111111111111227123', '[CARD]'],
  ['4111111111111111123', '[CARD]'],
  ['card 4111111111111111, exp 12/27, cvv 123', 'card [CARD], exp [EXPIRY], cvv [CVV]'],
  ['card 4111111111111111, 12/27, 123', 'card [CARD], [EXPIRY], [CVV]'],
  ['four one one one one one one one one one one one one one one one', '[CARD]'],
  ['Four one one one, one one one one, one one one one, one one one one', '[CARD]'],
  ['five five zero zero, double zero double zero, double zero double zero, double zero zero four', '[CARD]'],
  ['card number 1234 5678 9012 3456', 'card number [CARD]'],
  ['1234 5678 9012 3456 exp 12/27', '[CARD] exp [EXPIRY]'],
  ['1234 5678 9012 3456, cvv 123', '[CARD], cvv [CVV]'],
  ['my card: 4000 0000 0000 0002 exp 01/29', 'my card: [CARD] exp [EXPIRY]'],
  ['卡号 6222 0212 3456 7890 128', '卡号 [CARD]'],
  ['我的信用卡是6222021234567890128', '我的信用卡是[CARD]'],
  ['银行卡号：６２２２０２１２３４５６７８９０１２８', '银行卡号：[CARD]'],
  ['卡号1234 5678 9012 3456', '卡号[CARD]'],
  ['四一一一一一一一一一一一一一一一', '[CARD]'],
  ['信用卡 6212345678901232 有效期 12/28 安全码 123', '信用卡 [CARD] 有效期 [EXPIRY] 安全码 [CVV]'],
  ['卡号4111111111111111，12/27，123', '卡号[CARD]，[EXPIRY]，[CVV]'],
  ['借记卡 6225 8801 2345 6783', '借记卡 [CARD]'],
];

const CARD_EXTRAS: Case[] = [
  ['CVV: 123', 'CVV: [CVV]'],
  ['card 4111111111111111 cvv123', 'card [CARD] cvv[CVV]'],
  ['pin4821', 'pin[PIN]'],
  ['the cvc is 4567', 'the cvc is [CVV]'],
  ['security code 321', 'security code [CVV]'],
  ['expiry 09/28', 'expiry [EXPIRY]'],
  ['expires 2028-09', 'expires [EXPIRY]'],
  ['valid thru 09/2028', 'valid thru [EXPIRY]'],
  ['PIN 4821', 'PIN [PIN]'],
  ['my pin number is 123456', 'my pin number is [PIN]'],
  ['passcode: 9876', 'passcode: [PIN]'],
  ['the one-time code is 482913', 'the one-time code is [PIN]'],
  ['安全码是 123', '安全码是 [CVV]'],
  ['卡背面三位是 789', '卡背面三位是 [CVV]'],
  ['有效期 12/27', '有效期 [EXPIRY]'],
  ['有效期至2028年9月', '有效期至[EXPIRY]'],
  ['密码 123456', '密码 [PIN]'],
  ['验证码是 482913', '验证码是 [PIN]'],
  ['取款密码是８８８８', '取款密码是[PIN]'],
];

const PHONES: Case[] = [
  ['call +44 20 7946 0958 please', 'call [PHONE] please'],
  ['(555) 123-4567', '[PHONE]'],
  ['tel: 555.123.4567', 'tel: [PHONE]'],
  ['reach me on 555-123-4567', 'reach me on [PHONE]'],
  ['my number is 5551234567', 'my number is [PHONE]'],
  ['call me at ＋１ ５５５ １２３ ４５６７', 'call me at [PHONE]'],
  ['phone 555/123/4567', 'phone [PHONE]'],
  ['five five five, one two three, four five six seven', '[PHONE]'],
  ['oh seven seven double zero, nine zero zero, one two three', '[PHONE]'],
  ['+1 (555) 123-4567', '[PHONE]'],
  ['020 7946 0958', '[PHONE]'],
  ['call 555 123 4567 or 555 987 6543', 'call [PHONE] or [PHONE]'],
  ['555-123-4567 on 2026-12-02', '[PHONE] on 2026-12-02'],
  ['my number 13812345678 2026-12-02', 'my number [PHONE] 2026-12-02'],
  ['+49 30 1234567', '[PHONE]'],
  ['WhatsApp +33 6 12 34 56 78', 'WhatsApp [PHONE]'],
  ['手机号是13812345678。', '手机号是[PHONE]。'],
  ['１３８１２３４５６７８', '[PHONE]'],
  ['138 1234 5678', '[PHONE]'],
  ['138-1234-5678', '[PHONE]'],
  ['138/1234/5678', '[PHONE]'],
  ['+86 138 1234 5678', '[PHONE]'],
  ['请拨打 010-62345678', '请拨打 [PHONE]'],
  ['座机 021 6234 5678', '座机 [PHONE]'],
  ['幺三八幺二三四五六七八', '[PHONE]'],
  ['我的手机是一三八一二三四五六七八', '我的手机是[PHONE]'],
  ['联系电话：0755-86013388', '联系电话：[PHONE]'],
  [`138${ZWSP}1234${ZWSP}5678`, '[PHONE]'],
  ['86-13812345678', '[PHONE]'],
  ['微信 13912345678 联系我', '微信 [PHONE] 联系我'],
];

const EMAILS: Case[] = [
  ['write to jane.doe+billing@example.co.uk today', 'write to [EMAIL] today'],
  ['jane at example dot com', '[EMAIL]'],
  ['jane[at]example.com', '[EMAIL]'],
  ['jane (at) example (dot) com', '[EMAIL]'],
  ['jane @ example.com', '[EMAIL]'],
  ['jane @ example . com', '[EMAIL]'],
  ['jane＠example．com', '[EMAIL]'],
  ['email me at jane dot doe at gmail dot com', 'email me at [EMAIL]'],
  ['JANE AT EXAMPLE DOT COM', '[EMAIL]'],
  ['j.doe [at] corp [dot] cn', '[EMAIL]'],
  ['jane{at}example{dot}org', '[EMAIL]'],
  ['jane<at>example<dot>net', '[EMAIL]'],
  [`ja${ZWSP}ne@exa${ZWSP}mple.com`, '[EMAIL]'],
  ['邮箱是jane@example.com谢谢', '邮箱是[EMAIL]谢谢'],
  ['我的邮箱 13812345678@163.com', '我的邮箱 [EMAIL]'],
  ['jane艾特example点com', '[EMAIL]'],
  ['邮箱：zhang.wei＠qq．com', '邮箱：[EMAIL]'],
  ['QQ邮箱 123456789@qq.com', 'QQ邮箱 [EMAIL]'],
];

const IDS: Case[] = [
  ['身份证号 11010519491231002X', '身份证号 [ID]'],
  ['440304199001011233', '[ID]'],
  ['身份证：310115 19851203 4562', '身份证：[ID]'],
  ['我的身份证是５１０１０７２０００１２３１００１１', '我的身份证是[ID]'],
  ['11010519491231002x', '[ID]'],
  ['证件号码 440304-19900101-1233', '证件号码 [ID]'],
  ['SSN 123-45-6789', 'SSN [SSN]'],
  ['078-05-1120', '[SSN]'],
  ['social security number 123 45 6789', 'social security number [SSN]'],
  ['my ssn is one two three four five six seven eight nine', 'my ssn is [SSN]'],
  ['my social is one two three, four five, six seven eight nine', 'my social is [SSN]'],
  ['ssn: 123456789', 'ssn: [SSN]'],
  ['IBAN DE89 3704 0044 0532 0130 00', 'IBAN [IBAN]'],
  ['DE89370400440532013000', '[IBAN]'],
  ['FR14 2004 1010 0505 0001 3M02 606', '[IBAN]'],
  ['GB82 WEST 1234 5698 7654 32', '[IBAN]'],
  ['NL91ABNA0417164300', '[IBAN]'],
  ['ES91 2100 0418 4502 0005 1332', '[IBAN]'],
  ['IT60X0542811101000000123456', '[IBAN]'],
  ['账户 CH93 0076 2011 6238 5295 7', '账户 [IBAN]'],
  ['de89 3704 0044 0532 0130 00', '[IBAN]'],
  ['BE68 5390 0754 7034', '[IBAN]'],
  ['接入IP我明盘给你124.79.121.167', '接入IP我明盘给你[IP]'],
  ['mail comes from 153.69.214.203 but', 'mail comes from [IP] but'],
  ['appelez le 06.12.34.56.78', 'appelez le [PHONE]'],
];

/** Several at once, and everything else kept exactly as written (full-width punctuation too). */
const MIXED: Case[] = [
  ['Ｈｅｌｌｏ，我的卡号是４１１１ １１１１ １１１１ １１１１。谢谢！', 'Ｈｅｌｌｏ，我的卡号是[CARD]。谢谢！'],
  ['jane@example.com, 138 1234 5678, 4111 1111 1111 1111', '[EMAIL], [PHONE], [CARD]'],
  ['my phone is 138-1234-5678, order 202312051234', 'my phone is [PHONE], order 202312051234'],
  ['订单号 2023120512345，手机 13812345678', '订单号 2023120512345，手机 [PHONE]'],
  ['I paid 45.50 with card 4111 1111 1111 1111 on 2026-12-02', 'I paid 45.50 with card [CARD] on 2026-12-02'],
  ['您的订单 202312051234567 已发货，快递单号 SF1234567890，预计 12月5日 送达，客服电话 400-820-8820', '您的订单 202312051234567 已发货，快递单号 SF1234567890，预计 12月5日 送达，客服电话 [PHONE]'],
  ["I'll call you back at 3:30 on 2026-12-05, my direct line is 020 7946 0958 ext 12", "I'll call you back at 3:30 on 2026-12-05, my direct line is [PHONE] ext 12"],
  ['你好，我叫张三，电话一三九一二三四五六七八', '你好，我叫张三，电话[PHONE]'],
];

/** What agents need: order ids, dates, amounts, times, flights, tracking ids and small counts survive. */
const KEPT: string[] = [
  'order 4111 1111 1111 1112 arrived',
  'I will call you back before 5 pm',
  'it costs 45.50',
  'ticket #44712 is open',
  'order number 1234567890123',
  'order #4111111111111111 shipped',
  'tracking 773456789012',
  'tracking number 1Z999AA10123456784',
  'flight UA857 departs 10:30',
  'refund of $1,299.00 on 2026-12-02',
  'refund 12999.00 dollars',
  'meeting on 12/05/2026 at 14:30',
  'between 2026-12-01 and 2026-12-05',
  'Meet on 12.05.2026 or 2026/12/05',
  '2 items, 3 boxes, 4 days',
  'one two three',
  'I have two or three questions',
  'room 1205, floor 12',
  'booking ref 1234567890',
  'invoice 20261202001',
  'look at this. It works',
  'meet me at the lobby at 5',
  'call me in 10 minutes',
  'price 1.299.000 rub',
  'the 12/01-12/05 stay',
  'open 10.30-11.45',
  'account balance 1 299 000 USD',
  'SKU 123456789',
  'case number 20261202-0042',
  'order 5551234567',
  'I want to cancel my subscription',
  'the card ending 4821 was declined',
  'version 2.10.3 is out',
  'the 25th of December, 2026',
  'I was at home. Com on',
  '订单号：202312051234567890 还没到',
  '订单号 13812345678 还没发货',
  '订单编号 2023120512345678901',
  '快递单号 SF1234567890123',
  '运单号 773456789012',
  '航班 MU5137 于 10:30 起飞',
  '我会在24小时内回复',
  '退款 1299.00 元',
  '共计 ¥12,999.00',
  '共计 ￥12,999.00',
  '2026年12月2日下午3点',
  '订单 440304199001011233',
  '请在 2026-12-02 之前处理',
  '买了3件，每件99元',
  '工单号 20261202000123',
  '第一二三名',
  '一共三个问题',
  '十二点半见',
  '发票号码 04403190012345678',
  '编号 12345678',
  '请查一下 202312051234 这个订单',
  '价格 1 299 000 元',
  '我的订单号是 2023-1205-1234-5678',
  '你好，我想退货，订单 20231205123456，谢谢',
  'ref AB-1234567',
  'request 7f3c2a1e-5b4d-4c7e-9a10-2b6f0d1e3c44 failed',
  'trace 12345678-1234-5678-9abc-def012345678',
  '您尾号1234的银行卡已扣款 299 元',
  '航班CA1831 12月3日 08:30 北京-上海 座位 32A',
  'Your refund of ¥1,299.00 will arrive in 3-5 working days, reference RF-20261202-0042',
  'add acid 500 ml',
  'log in the Online Business Hall at www.10010.com to check',
  'Compiling time: Apr 14 2015 16:38:33 build 7.5.0.5550',
  'on 14 April 2015 10:30 2026',
  '搜狗8.0.0.8169和8.0.0.8210版本都有',
  '输入法版本为2.9.1.57665',
  '版本号.2013.4.16从官网下载安装的版本',
  '我是2010.2007和2003都说没感觉',
  'the os is controlled by @VerizonWireless . App is new',
  'receipt #150219-000114 please',
  'I sent 0162431184663. 3 of your agents said so',
  'flts 2348/3499 were cancelled',
  'the 2019-2020 season',
  'in 2019 2020 2021',
  'ETA 2026-12-05 14:00-16:00',
  'we have 1200000 users',
  '下午3点30分',
  '总价￥1,299',
  '2026年12月02日 10:30',
  '金额 12345678 元',
  '请于12月5日前付款 299 元',
  'a hotpot 1234 set',
  `hi${ZWSP} there`,
  '👩‍💻 ok',
];

describe('redactPii', () => {
  const table = [...CARDS, ...CARD_EXTRAS, ...PHONES, ...EMAILS, ...IDS, ...MIXED, ...KEPT.map((k) => [k, k] as const)];

  it('has a table of at least 150 cases, English and Chinese, positive and negative', () => {
    expect(table.length).toBeGreaterThanOrEqual(150);
    expect(table.filter(([i]) => /[\u3400-\u9fff]/u.test(i)).length).toBeGreaterThanOrEqual(50);
    expect(KEPT.length).toBeGreaterThanOrEqual(50);
  });

  it.each(table)('%j -> %j', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('is idempotent: redacting redacted text changes nothing', () => {
    for (const [input] of table) expect(redactText(redactText(input))).toBe(redactText(input));
  });

  it('counts what it replaced, by kind, and never returns the values', () => {
    const r = redactPii('card 4111 1111 1111 1111, cvv 123, call 138 1234 5678 or jane at example dot com');
    expect(r.counts).toMatchObject({ card: 1, cvv: 1, phone: 1, email: 1, iban: 0, ssn: 0 });
    expect(JSON.stringify(r)).not.toMatch(/4111|1234|jane/u);
  });

  it('declares each detector once, with its token', () => {
    const kinds = DETECTORS.map((d) => d.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const d of DETECTORS) expect(d.token).toMatch(/^\[[A-Z]+\]$/u);
  });

  it('stays fast on hostile input of the largest accepted size', () => {
    // Not a speed target (those live in benchmarks): a guard against back-tracking blow-ups, which take minutes.
    for (const hostile of ['1 '.repeat(2500), '1-2-'.repeat(1250), 'one two '.repeat(600), 'jane at example dot '.repeat(250), 'a@'.repeat(2500)]) {
      expect(redactText(hostile).length).toBeGreaterThan(0);
    }
  }, 20_000);
});

describe('validators', () => {
  it('check Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it('check the Chinese resident ID checksum (GB 11643)', () => {
    expect(cnIdValid('11010519491231002X')).toBe(true);
    expect(cnIdValid('440304199001011233')).toBe(true);
    expect(cnIdValid('440304199001011234')).toBe(false);
    expect(cnIdValid('04030419900101123X')).toBe(false);
  });
});

describe('redactId', () => {
  const KEY = 'test-key-0123456789';

  it('keeps ordinary ids', () => {
    for (const id of ['c-42', 'cust-88213', 'conv-20261202-0001', '1701500000000', 'CRM:ACME:991', 'alice']) expect(redactId(id, KEY)).toBe(id);
  });

  it('replaces ids that carry PII by a stable keyed pseudonym', () => {
    for (const id of ['13812345678', 'jane@example.com', 'cust_13812345678', '4111111111111111', '11010519491231002X', 'tel:+8613812345678']) {
      const pseudonym = redactId(id, KEY);
      expect(pseudonym).toMatch(/^pii-[0-9a-f]{24}$/u);
      expect(redactId(id, KEY)).toBe(pseudonym);
      expect(redactId(id, 'another-key-0123456789')).not.toBe(pseudonym);
    }
    expect(redactId('13812345678', KEY)).not.toBe(redactId('13912345678', KEY));
    // A pseudonym is an ordinary id: sent again (re-scoring, ending by it) it stays itself.
    const pseudonym = redactId('13812345678', KEY);
    expect(redactId(pseudonym, 'another-key-0123456789')).toBe(pseudonym);
  });
});
