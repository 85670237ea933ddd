import type { Speaker } from '../domain/turn.ts';

/** Scripted contact-center conversations, written for the demo: some escalate, some recover, in English and Chinese. */
export interface DemoConversation {
  key: string;
  agentId: string;
  customerId: string;
  queue: string;
  channel: 'chat' | 'voice';
  turns: [Speaker, string][];
}

export const DEMO_CONVERSATIONS: DemoConversation[] = [
  {
    key: 'broadband-repeat',
    agentId: 'alice',
    customerId: 'cust-1042',
    queue: 'broadband',
    channel: 'voice',
    turns: [
      ['agent', 'Thank you for calling Northwind Broadband, my name is Alice. How can I help you today?'],
      ['customer', "This is the third time I'm calling and nobody fixed it, I want to cancel."],
      ['agent', "I'm sorry you've had to call again. Can I take your account number, please?"],
      ['customer', "It's NW-44712. My internet drops every evening and I work from home, this is ridiculous."],
      ['customer', 'Every technician says it is fixed and it never is. I am so fed up with this.'],
      ['agent', 'I understand how frustrating that is. I can see two earlier tickets here.'],
      ['customer', 'Then why has nobody done anything? I want to speak to a manager.'],
      ['agent', 'I will book a senior engineer for tomorrow morning and call you back before 5 pm today to confirm.'],
      ['customer', 'Okay. Tomorrow morning works. Thank you, that is actually helpful.'],
      ['agent', 'To summarise: an engineer visit tomorrow morning, and my call before 5 pm. Is there anything else?'],
      ['customer', 'No, that is great, thanks a lot for sorting it out.'],
    ],
  },
  {
    key: 'card-refund-recovers',
    agentId: 'alice',
    customerId: 'cust-2210',
    queue: 'cards',
    channel: 'chat',
    turns: [
      ['agent', 'Hi, you are chatting with Alice from Contoso Bank. How can I help?'],
      ['customer', 'I was charged twice for the same order and I want a refund.'],
      ['agent', "I'm sorry about that. Could you confirm the last four digits of the card, please?"],
      ['customer', 'It ends in 8812. My card number is 4111 1111 1111 1111 if you need it.'],
      ['agent', 'Thank you. Please never share the full card number in chat; I have removed it. I can see the duplicate charge.'],
      ['customer', 'Honestly this is annoying, that money was for rent.'],
      ['agent', 'I have reversed the duplicate charge now. You will see it back within 2 working days, and I will email you a confirmation.'],
      ['customer', 'Oh great, thank you so much, that is a relief!'],
      ['agent', 'You are welcome. Is there anything else I can help with today?'],
      ['customer', 'No, all good. Brilliant service, thanks.'],
    ],
  },
  {
    key: 'confused-billing',
    agentId: 'bob',
    customerId: 'cust-3300',
    queue: 'billing',
    channel: 'chat',
    turns: [
      ['agent', 'Good afternoon, Bob from Fabrikam Energy here. What can I do for you?'],
      ['customer', "I don't understand my bill. Why is there a standing charge and what does it mean?"],
      ['agent', 'The standing charge is a fixed daily amount for keeping you connected, even if you use no energy.'],
      ['customer', "I'm confused, so I pay even when I use nothing? How is that calculated?"],
      ['agent', 'Yes, it is 45p a day. I will send you a breakdown by email today so you can see each line.'],
      ['customer', 'Okay, that makes sense now. Thanks for explaining.'],
    ],
  },
  {
    key: 'zh-delivery-escalates',
    agentId: 'wei',
    customerId: 'cust-8801',
    queue: 'delivery',
    channel: 'chat',
    turns: [
      ['agent', '您好，我是客服小魏，很高兴为您服务，请问有什么可以帮您？'],
      ['customer', '我的快递已经晚了一个星期了，到现在还没收到，太差了！'],
      ['agent', '非常抱歉给您带来不便，请您提供一下订单号，我马上为您查询。'],
      ['customer', '订单号是20231108。你们每次都说马上查，结果什么都没解决，这是第三次了。'],
      ['customer', '再不解决我就要投诉，还要退款！'],
      ['agent', '非常理解您的心情，我现在就为您加急处理，并会在24小时内给您回复处理结果。'],
      ['customer', '你们的服务真的太让人失望了，我要找你们经理。'],
    ],
  },
  {
    key: 'zh-refund-recovers',
    agentId: 'wei',
    customerId: 'cust-8802',
    queue: 'returns',
    channel: 'voice',
    turns: [
      ['agent', '您好，感谢您的来电，请问有什么可以帮您？'],
      ['customer', '我买的耳机坏了，用了两天就没声音了，很生气。'],
      ['agent', '很抱歉给您添麻烦了，请您提供一下手机号码，我帮您查一下订单。'],
      ['customer', '手机号是13812345678。'],
      ['agent', '谢谢您，我已经为您办理换货，新耳机明天就会发出，我会在今天下午5点前短信通知您物流单号。'],
      ['customer', '好的，这么快啊，谢谢你，服务很好！'],
      ['agent', '不客气，请问还有其他可以帮您的吗？'],
      ['customer', '没有了，非常满意，谢谢！'],
    ],
  },
  {
    key: 'legal-threat',
    agentId: 'bob',
    customerId: 'cust-5120',
    queue: 'billing',
    channel: 'voice',
    turns: [
      ['agent', 'Thank you for calling Fabrikam Energy, this is Bob.'],
      ['customer', 'You have taken money from my account three months in a row after I closed it.'],
      ['agent', 'I am sorry to hear that. Let me look into the account for you.'],
      ['customer', 'I have had enough. If this is not refunded today I am going to my lawyer and the ombudsman.'],
      ['customer', 'This is absolutely unacceptable and nobody here seems to care.'],
      ['agent', 'I understand. I am escalating this to my supervisor right now and will stay on the line with you.'],
    ],
  },
];
