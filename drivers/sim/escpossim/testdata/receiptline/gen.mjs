// gen.mjs turns a few receipt-markdown documents into ESC/POS bytes and
// into receiptline's own plain-text rendering, for escpossim's
// receiptline_test.go: receiptline is an ESC/POS generator that neither
// the simulator nor the project's encoder wrote.
//
// Each document ends with receiptline's own closing cut (GS V 66 0); the
// first also has a cut ("=") in the middle.
//
// Usage: node gen.mjs OUTDIR
// Writes OUTDIR/<doc>-<command>-<cpl>.bin (ESC/POS), OUTDIR/<doc>-<cpl>.txt
// (text) and OUTDIR/manifest.json (what each document holds).
import fs from 'node:fs';
import path from 'node:path';
import receiptline from 'receiptline';

const qr1 = 'https://example.gov.cn/q?id=A001';
const qr2 = 'SQ2026000123';

const docs = [
  {
    name: 'receipt',
    barcodes: ['A001-2026'],
    qr: [qr1],
    source: [
      '^^社会救助申请回执',
      '申请人: | 张三',
      '身份证号: | 370481********4828',
      '申请事项: | 最低生活保障',
      '金额: | ￥1,234.50',
      '---',
      '{code:A001-2026; option:code128,2,72,hri}',
      `{code:${qr1}; option:qrcode,4,m}`,
      '=',
      '{border:line; width:*}',
      '|存根 申请编号 A001|',
    ],
  },
  {
    name: 'table',
    barcodes: ['ABC-12345'],
    qr: [qr2],
    source: [
      '|^^^回执|',
      '{border:line; width:*,10}',
      '|项目|金额|',
      '-',
      '基本生活费|800.00',
      '临时救助|434.50',
      '{border:space; width:auto}',
      '---',
      '办理地点: 滕州市荆河街道便民服务中心',
      '',
      '{code:ABC-12345; option:code128,2,60,hri}',
      `{code:${qr2}; option:qrcode,3,l}`,
    ],
  },
  {
    name: 'mixed',
    barcodes: ['12345678'],
    qr: [],
    source: [
      'Ticket No. 0042 | 2026-03-14',
      '"受理窗口" | _3号_',
      '`请妥善保管本回执`',
      '{code:12345678; option:code128,3,48,nohri}',
    ],
  },
];

const out = process.argv[2];
if (!out) {
  console.error('usage: node gen.mjs OUTDIR');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const manifest = [];
for (const d of docs) {
  const doc = d.source.join('\n');
  for (const cpl of [32, 48]) {
    const text = receiptline.transform(doc, { cpl, encoding: 'gb18030', command: 'text' });
    fs.writeFileSync(path.join(out, `${d.name}-${cpl}.txt`), text);
    for (const command of ['generic', 'escpos']) {
      const bin = receiptline.transform(doc, { cpl, encoding: 'gb18030', command });
      const file = `${d.name}-${command}-${cpl}.bin`;
      fs.writeFileSync(path.join(out, file), Buffer.from(bin, 'binary'));
      manifest.push({ doc: d.name, command, cpl, bin: file, text: `${d.name}-${cpl}.txt`, barcodes: d.barcodes, qr: d.qr });
    }
  }
}
fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
