import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PushXmlError, field, parsePushXml } from '../../../src/modules/open-platform/push-xml';
import { VECTORS } from './wxbizmsgcrypt-vectors';

test('When the published pushes are parsed, then their fields come out as WeChat wrote them', () => {
  const ticket = parsePushXml(VECTORS.D.message);
  assert.deepEqual(
    { ...ticket },
    {
      AppId: 'wxb11529c136998cb6',
      CreateTime: '1413192605',
      InfoType: 'component_verify_ticket',
      ComponentVerifyTicket: 'ticket@@@test-ticket-0001',
    },
  );
  const authorized = parsePushXml(VECTORS.E.message);
  assert.equal(field(authorized, 'AuthorizationCode'), 'queryauthcode@@@test-auth-code-0001');
  assert.equal(field(authorized, 'PreAuthCode'), 'preauthcode@@@test-pre-auth-0001');
  // Line breaks between elements (vector B) and nested elements (vector A2) are read; nested values are objects.
  assert.equal(field(parsePushXml(VECTORS.B.message), 'Content'), 'abcdteT');
  const video = parsePushXml(VECTORS.A2.message);
  assert.deepEqual(
    { ...(video.Video as object) },
    {
      MediaId: 'eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0',
      Title: 'testCallBackReplyVideo',
      Description: 'testCallBackReplyVideo',
    },
  );
  assert.equal(field(video, 'Video'), undefined, 'a nested element is not a text field');
});

test('When the outer envelope of a push is parsed, then Encrypt is found whatever its sibling is called', () => {
  const body = `<?xml version="1.0"?>\n<xml>\n  <ToUserName><![CDATA[gh_x]]></ToUserName>\n  <Encrypt><![CDATA[${VECTORS.D.encrypt}]]></Encrypt>\n</xml>\n`;
  assert.equal(field(parsePushXml(body), 'Encrypt'), VECTORS.D.encrypt);
  assert.equal(field(parsePushXml('<xml><A>1 &lt; 2 &amp;&#x4e2d;&#25991;</A></xml>'), 'A'), '1 < 2 &中文');
  // Names that are also Object.prototype members are plain names.
  const odd = parsePushXml('<xml><__proto__>p</__proto__><toString>t</toString></xml>');
  assert.deepEqual([field(odd, '__proto__'), field(odd, 'toString')], ['p', 't']);
  assert.equal(field(parsePushXml('<xml><A>1</A></xml>'), 'toString'), undefined);
});

test('When a body carries a DTD, an entity, attributes or broken structure, then it is refused as unreadable', () => {
  const bad = [
    '<!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><A>&x;</A></xml>',
    '<xml><!DOCTYPE x><A>1</A></xml>',
    '<xml><A>&x;</A></xml>',
    '<xml><A>&#0;</A></xml>',
    '<xml><A id="1">1</A></xml>',
    '<xml><A>1</B></xml>',
    '<xml><A>1</A>',
    '<xml><A>1</A><A>2</A></xml>',
    '<xml><A>1</A></xml>trailing',
    '<other><A>1</A></other>',
    '<xml>text<A>1</A></xml>',
    '<xml><A><![CDATA[unterminated</A></xml>',
    '<xml><a><b><c><d><e><f>deep</f></e></d></c></b></a></xml>',
    '',
  ];
  for (const text of bad) assert.throws(() => parsePushXml(text), PushXmlError, JSON.stringify(text));
});

test('When a huge body of nested or repeated elements arrives, then parsing stays linear (no entity expansion exists to abuse)', () => {
  const many = `<xml>${Array.from({ length: 20_000 }, (_, i) => `<F${i}>v</F${i}>`).join('')}</xml>`;
  assert.equal(Object.keys(parsePushXml(many)).length, 20_000);
});
