package webview

// WaitingPage is shown while the agent does not answer (it is starting, or
// restarting): calm, large, plain Chinese, and after a while a pointer to
// the staff. It is loaded as HTML of its own (about:blank), so it can
// neither reach the agent nor be mistaken for its page.
const WaitingPage = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>请稍等</title>
<style>
html, body { margin: 0; height: 100%; background: #ffffff; color: #1f2937; }
body { display: flex; align-items: center; justify-content: center; text-align: center;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Microsoft YaHei", sans-serif;
  cursor: default; -webkit-user-select: none; user-select: none; }
h1 { font-size: 48px; font-weight: 700; line-height: 1.5; margin: 0 0 24px; }
p { font-size: 32px; line-height: 1.5; margin: 0; }
.later { visibility: hidden; margin-top: 32px; }
.late .later { visibility: visible; }
.bar { width: 480px; height: 12px; margin: 48px auto 0; border-radius: 6px; background: #e5e7eb; overflow: hidden; }
.bar i { display: block; width: 160px; height: 100%; border-radius: 6px; background: #1d4ed8;
  animation: slide 2.4s ease-in-out infinite alternate; }
@keyframes slide { from { transform: translateX(0); } to { transform: translateX(320px); } }
</style>
</head>
<body>
<main>
<h1>正在启动，请稍等</h1>
<p>马上就好，不需要做任何操作。</p>
<p class="later">如果一直这样，请找工作人员。</p>
<div class="bar" aria-hidden="true"><i></i></div>
</main>
<script>
setTimeout(function () { document.body.className = "late"; }, 60000);
</script>
</body>
</html>
`
