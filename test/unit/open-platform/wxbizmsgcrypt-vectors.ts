/*
 * The published WXBizMsgCrypt test vectors, copied verbatim from the wave-3 spec §1.10 (which cites
 * the official samples and re-verified them with Python `cryptography` and Node `crypto`). A and A2
 * from the official Java sample, B from the official Python/PHP sample, C from its URL-verification
 * test, D and E derived component pushes (a ticket and an `authorized` push) for these fixtures.
 * `random` is the 16-byte prefix each Encrypt was made with (ASCII here).
 */

/** One vector: the component's secrets, the push's query values, the plaintext and its Encrypt. */
export interface MsgCryptVector {
  note: string;
  encodingAesKey: string;
  token: string;
  appid: string;
  random?: string;
  timestamp: string;
  nonce: string;
  message: string;
  encrypt: string;
  /** msg_signature over (token, timestamp, nonce, encrypt), where published or derived. */
  msgSignature?: string;
  /** The plain signature over (token, timestamp, nonce), where published or derived. */
  signature?: string;
}

export const VECTORS: Record<'A' | 'A2' | 'B' | 'C' | 'D' | 'E', MsgCryptVector> = {
  A: {
    note: 'official Java sample WXBizMsgCryptTest.testAesEncrypt (msg_signature derived: the sample computes but does not print it)',
    encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    token: 'pamtest',
    appid: 'wxb11529c136998cb6',
    random: 'aaaabbbbccccdddd',
    timestamp: '1409304348',
    nonce: 'xxxxxx',
    message: '我是中文abcd123',
    encrypt: 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
    msgSignature: '82c962d39941aa48552f90ef55aa323dc620cc10',
  },
  A2: {
    note: 'same sample, testAesEncrypt2 (same key, token, appId and random as A)',
    encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    token: 'pamtest',
    appid: 'wxb11529c136998cb6',
    random: 'aaaabbbbccccdddd',
    timestamp: '1409304348',
    nonce: 'xxxxxx',
    message:
      '<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>',
    encrypt:
      'jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb',
  },
  B: {
    note: 'official Python/PHP sample (Sample.py decrypt test); `signature` is the plain signature over (token, timestamp, nonce)',
    encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    token: 'spamtest',
    appid: 'wx2c2769f8efd9abc2',
    random: '89465c840c5f116f',
    timestamp: '1409735669',
    nonce: '1320562132',
    message:
      '<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>',
    encrypt:
      'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
    msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
    signature: '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a',
  },
  C: {
    note: 'official sample testVerifyUrl (WeCom URL verification, same algorithm): echostr',
    encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
    token: 'QDG6eK',
    appid: 'wx5823bf96d3bd56c7',
    random: 'c41b64491c2468d0',
    timestamp: '1409659589',
    nonce: '263014780',
    message: '1616140317555161061',
    encrypt: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
    msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  },
  D: {
    note: "derived component_verify_ticket push (vector A's key and token)",
    encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    token: 'pamtest',
    appid: 'wxb11529c136998cb6',
    random: 'aaaabbbbccccdddd',
    timestamp: '1413192605',
    nonce: '1320562132',
    message:
      '<xml><AppId><![CDATA[wxb11529c136998cb6]]></AppId><CreateTime>1413192605</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType><ComponentVerifyTicket><![CDATA[ticket@@@test-ticket-0001]]></ComponentVerifyTicket></xml>',
    encrypt:
      'jn1L23DB+6ELqJ+6bruv26pTd7HSlJeKvSOBg7mmvJ8tt43Vi6RO3CNzRimwW7TXOaomItipmLDbdJe7fOgE90nAVIYQhEXupOO41+ngcUKkosPm9e9rf1rA/pO7kD/4dNkacyezfpWOAkDcwVWAhH3dakfjTyPtRdwzKcrqbQR4Nhg2+zaMoKrq0PufNTCz1U/W3wUcANm/NQEaYbK1Mj9DbefUN+fNsUYisGkDmeveEQeUYSbWRIbDXqCl2E1YhodXBQLxgYLh33Ji1TGVHGR2J0D0QB9h95gHfijjFspSFpyZtyh7MzO0TpohmzfiLINPIhjzJTiXl+5Ri/YXYD6xH/rEDgqHzo0KjLO0PCPS7XTTrVIJHGwezI0wM2Be',
    msgSignature: 'a4908e967d20bb241c68e5b1952cb09ee6c92201',
    signature: 'bafb94c8b6d2c6a13565d242eb8945748ff7a041',
  },
  E: {
    note: "derived `authorized` push (vector A's key and token)",
    encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    token: 'pamtest',
    appid: 'wxb11529c136998cb6',
    random: 'aaaabbbbccccdddd',
    timestamp: '1413192760',
    nonce: '1320562132',
    message:
      '<xml><AppId><![CDATA[wxb11529c136998cb6]]></AppId><CreateTime>1413192760</CreateTime><InfoType><![CDATA[authorized]]></InfoType><AuthorizerAppid><![CDATA[wx1234567890abcdef]]></AuthorizerAppid><AuthorizationCode><![CDATA[queryauthcode@@@test-auth-code-0001]]></AuthorizationCode><AuthorizationCodeExpiredTime>1413196360</AuthorizationCodeExpiredTime><PreAuthCode><![CDATA[preauthcode@@@test-pre-auth-0001]]></PreAuthCode></xml>',
    encrypt:
      'jn1L23DB+6ELqJ+6bruv2zLxhDwIuirrZ4PO77vpjPUePDVjdwVoKpufPtE7iZRM3PKxnfHHSC5yx3AmSVz15oAUw2R5K6nNTvxhtHY6LJEOzxki6+aqWExcxM2nYP3Z3NMq/bJsiaFkheDP1l8PaHKHSH0wK4HYxWzy0TVwcRVHLGewywpVg57AxYjtqrrmD3s0E3a6KqoWOfAdUVAPITj4hWdiSrVwcEk0fGZlU7U40/fTl81x5ZIRpPmHQBBjRrYSX3kdfCmeI16N/dySR5+qPL3GbQRseFMGUqFeQGHOvqy9/vgSLB7VI1SEFTlYjpDBjH2fZr+CpFlVd+oka0PU7LorKSoACrU3bKnLRKsBSX2+F0uTtMvNiWIfJmqgTRv/bRExYb++nTFf+SNq3UY72SgcueIoAgjDeaFrk8QTM764QctciNC1+RNi9w6lmAeL5kiy62fPFIRJW0vc7IFXkh7drjupxIDQsiTwOZLWmEHh0kHnVBEqzbcLhaZZyS38NV41KOWDIjP94T2yMAieH6nbq0e+GbTu6wYiLSFozb0Eh5+rQQt3NCBIMJd51rO74bmw0OYo+jd0C9IvikKRB1aDbZ73wOrcd6POAlNDjwsUPDR8o2Mz2fl0v+xt',
    msgSignature: 'baf3948a059319c72ca24c11c972109c266235f8',
    signature: '1de22cf3e9de249f2a6bf25eddd967333aa7c9a5',
  },
};

/** The sample's negative tests: an EncodingAESKey that is not 43 characters (-40004), a wrong msg_signature (-40001). */
export const NEGATIVE = { illegalAesKey: 'abcde', wrongMsgSignature: '12345' };
