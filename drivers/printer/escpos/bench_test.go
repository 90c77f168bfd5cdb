package escpos

import (
	"testing"
)

// realisticReceipt is the receipt of a social-assistance application: a
// title, twelve key/value rows with long names and addresses (one with a
// rare name character, drawn as an image), a divider, a barcode, a QR code
// and a feed.
func realisticReceipt(width int) Receipt {
	kv := func(k, v string) Block { return Block{Type: "kv", Key: k, Value: v} }
	return Receipt{Width: width, Blocks: []Block{
		{Type: "title", Text: "社会救助申请回执"},
		kv("申请编号：", "SA-2026-0001234567"),
		kv("申请人：", "欧阳刘䶮"),
		kv("公民身份号码：", "370481********4828"),
		kv("户籍地址：", "山东省枣庄市滕州市荆河街道杏坛东路社区居民委员会幸福小区十二号楼三单元五零二室"),
		kv("现居住地址：", "山东省枣庄市滕州市龙泉街道善国北路社区平安巷二十七号院内东侧平房"),
		kv("申请事项：", "最低生活保障、临时救助、特困人员救助供养"),
		kv("家庭人口：", "4人"),
		kv("共同生活成员：", "欧阳建国（配偶）、欧阳思齐（子）、张秀英（母）"),
		kv("受理单位：", "滕州市荆河街道便民服务中心社会救助窗口"),
		kv("受理时间：", "2026年3月18日 09:42"),
		kv("承诺办结时限：", "自受理之日起30个工作日内"),
		kv("咨询电话：", "0632-5512345"),
		{Type: "divider"},
		{Type: "barcode", Data: "SA20260001234567"},
		{Type: "qr", Data: "https://zwfw.example.gov.cn/sa/q?id=SA-2026-0001234567"},
		{Type: "feed", Lines: 2},
	}}
}

// BenchmarkLayout: encode time per realistic receipt, and what its bytes
// cost on the wire (10 bits a byte) at 9600 and 115200 baud.
func BenchmarkLayout(b *testing.B) {
	fonts := testFonts(b)
	for _, c := range []struct {
		name string
		p    Profile
	}{{"58mm", Generic58()}, {"80mm", Generic80()}} {
		b.Run(c.name, func(b *testing.B) {
			r := realisticReceipt(c.p.PaperMM)
			job, err := Layout(r, c.p, fonts)
			if err != nil {
				b.Fatal(err)
			}
			n := job.Len()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := Layout(r, c.p, fonts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "job-bytes")
			b.ReportMetric(float64(len(job.Parts)), "parts")
			b.ReportMetric(float64(n)*10/9600*1000, "wire-ms@9600")
			b.ReportMetric(float64(n)*10/115200*1000, "wire-ms@115200")
		})
	}
}
