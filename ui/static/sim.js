// Simulator controls for kiosk-agent --simulate: place and remove sample cards,
// make the virtual pad write and confirm, take the printer's paper out and back.
import { KioskClient, maskIdNumber } from '/protocol/kiosk-client.js';
const samples = ['居民身份证 王秀英', '居民身份证 李建国（有追加住址）', '港澳台居民居住证 陈嘉欣',
                 '外国人永久居留身份证 2017', '外国人永久居留身份证 2023'];
const log = document.getElementById('log');
const say = (text) => { log.textContent = new Date().toLocaleTimeString() + '  ' + text + '\n' + log.textContent; };
const client = new KioskClient();
const run = (method, params) => client.call(method, params).then(() => say(method + ' ✓'),
  (e) => say(method + ' ✗ ' + (e.reason || '') + ' ' + e.message));
samples.forEach((label, i) => {
  const b = document.createElement('button');
  b.textContent = '放置：' + label;
  b.onclick = () => run('sim.idcard.place', { sample: i });
  document.getElementById('samples').appendChild(b);
});
document.getElementById('remove').onclick = () => run('sim.idcard.remove');
document.getElementById('sign').onclick = () => run('sim.sigpad.sign', {});
document.getElementById('sign-ok').onclick = () => run('sim.sigpad.button', { button: 'confirm' });
document.getElementById('paper-out').onclick = () => run('sim.printer', { paper: 'out' });
document.getElementById('paper-load').onclick = () => run('sim.printer', { paper: 'load' });
client.on('idcard.inserted', (p) => say('idcard.inserted ' + p.card.name + ' ' + maskIdNumber(p.card.idNumber)));
client.on('idcard.removed', () => say('idcard.removed'));
client.on('idcard.error', (p) => say('idcard.error ' + p.reason));
client.on('device.changed', (p) => say('device.changed ' + p.device.state));
