import { isTooShortToJudge, type Language } from './language.ts';

/**
 * Turns that carry no mood to judge: too short, bare acknowledgements ("ok", "嗯", "fine"), and
 * account details (ids, numbers, addresses, dates, emails). A sentiment model still outputs a label
 * for them ("It ends in 8812" came out negative), so the scoring stage marks them low-confidence and
 * they never move the mood curve or raise an alert.
 */

/** Whole turns that only acknowledge or greet (after lower-casing and dropping punctuation). */
const ACK_EN = new Set(
  ('ok okay k kk yes yeah yep yup ya no nope nah sure fine right alright all right got it mhm mm hmm uh huh um uh ' +
    'hello hi hey there that is thats correct exactly then enough fair thing so i see oh one sec second moment')
    .split(' '),
);
const ACK_ZH = new Set(
  ('嗯 嗯嗯 恩 好 好的 好滴 好嘞 行 可以 是 是的 是啊 对 对的 对对 对对对 没错 对没错 哦 噢 喔 哦哦 喂 你好 喂你好 您好 ' +
    '收到 知道了 嗯知道了 明白 明白了 好吧 那好吧 也行 稍等 等一下 在 在吗 在的')
    .split(' '),
);

/** Words that frame an account detail: "my order number is …", "it ends in …", "flat 7, 33 King's Road". */
const FRAME_EN = new Set(
  ('a an the my our your his her its it it\'s is was are it\'s that\'s and or of in on at to for from under by with ' +
    'number no nr id account acct order card ending ends end last digits four code pin ref reference ticket case ' +
    'booking confirmation flight seat gate serial model policy claim invoice receipt tracking postcode zip ' +
    'post address street st road rd drive dr avenue ave lane ln flat apartment apt unit floor suite city ' +
    'email e-mail phone mobile cell tel date birth born dob name surname iban sort swift meter reading total ' +
    'amount balance payment paid was were on dated due today tomorrow yesterday am pm').split(' '),
);

/** Chinese openings that introduce an account detail: "订单号是…", "尾号…", "地址是…". */
const FIELD_ZH = /^(我的|我|您的)?(订单号?|单号|快递单号|工单号|投诉单号|预订号|保单号|户号|账号|账户|卡号|银行卡|尾号|手机号?|电话(号码)?|号码|身份证号?|地址|收货地址|邮编|邮箱|座位号?|航班号?|车次|电表读数|读数|出生日期|生日)/;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/gu;

/** A token that is an identifier or a quantity: has a digit, or is an email / handle. */
const isDetailToken = (w: string) => /\d/.test(w) || w.includes('@');

function isAcknowledgement(text: string, lang: Language): boolean {
  if (lang === 'zh') return ACK_ZH.has(text.replace(/[^\p{L}]/gu, ''));
  const words = text.toLowerCase().replace(/[^\p{L}\s']/gu, ' ').split(/\s+/).filter(Boolean);
  return words.length > 0 && words.length <= 4 && words.every((w) => ACK_EN.has(w));
}

function isAccountDetail(text: string, lang: Language): boolean {
  const tokens = text.split(/[\s,;:]+/).filter(Boolean);
  if (!tokens.some(isDetailToken)) return false;
  if (lang === 'zh') {
    const cjk = text.match(CJK)?.length ?? 0;
    const detail = text.replace(/[^\dA-Za-z@]/g, '').length;
    return FIELD_ZH.test(text.trim()) || detail >= cjk * 0.5;
  }
  // Every word is a detail, a framing word, or a capitalised name (not the first word: "Unbelievable, 2 hours").
  return tokens.every((raw, i) => {
    const w = raw.replace(/^[^\p{L}\d@]+|[^\p{L}\d@]+$/gu, '');
    return w === '' || isDetailToken(w) || FRAME_EN.has(w.toLowerCase()) || (i > 0 && /^\p{Lu}/u.test(w));
  });
}

/**
 * True when a turn has too little in it to judge mood from. Chinese needs two characters; an English
 * turn of one word is judged unless it is an acknowledgement ("Unbelievable." says a lot, "ok" nothing).
 */
export function isUnjudgeable(text: string, lang: Language): boolean {
  if (lang === 'other') return true;
  const tooShort = lang === 'zh' ? isTooShortToJudge(text, lang) : !/\p{L}/u.test(text);
  return tooShort || isAcknowledgement(text, lang) || isAccountDetail(text, lang);
}
