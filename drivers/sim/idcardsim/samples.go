package idcardsim

import (
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard"
	"github.com/kiosk-agent/kiosk-agent/drivers/idcard/textblock"
)

// The sample people below are invented. Their ID numbers have valid check
// digits and plausible area codes, and belong to nobody we know of.

// SampleCards returns one sample card of each kind, resident first. Each call
// returns fresh copies.
func SampleCards() []*idcard.Card {
	return []*idcard.Card{
		{Fields: textblock.Fields{
			Type: textblock.Resident, Name: "王秀英", Sex: "女", SexCode: "2", Nation: "汉", NationCode: "01",
			BirthDate: "1956-03-14", Address: "山东省滕州市荆河街道善国北路88号",
			IDNumber: "370481195603144828", Issuer: "滕州市公安局", ValidFrom: "2016-05-20", ValidUntil: "长期",
		}, Photo: SamplePhoto(1)},
		{Fields: textblock.Fields{
			Type: textblock.Resident, Name: "李建国", Sex: "男", SexCode: "1", Nation: "汉", NationCode: "01",
			BirthDate: "1988-11-07", Address: "山东省枣庄市薛城区常庄街道 泰山南路 17号院3单元",
			IDNumber: "370402198811073014", Issuer: "枣庄市公安局薛城分局", ValidFrom: "2019-08-01", ValidUntil: "2039-08-01",
		}, Photo: SamplePhoto(2), AppendedAddress: "山东省滕州市北辛街道学院中路6号"},
		{Fields: textblock.Fields{
			Type: textblock.HKMOTWResidence, Name: "陈嘉欣", Sex: "女", SexCode: "2",
			BirthDate: "1990-05-20", Address: "广东省深圳市福田区福华三路100号",
			IDNumber: "810000199005200039", Issuer: "深圳市公安局", ValidFrom: "2020-01-01", ValidUntil: "2025-01-01",
			PassNumber: "H12345678", IssueCount: "01",
		}, Photo: SamplePhoto(3)},
		{Fields: textblock.Fields{
			Type: textblock.ForeignPermanent2017, Name: "史密斯", NameEn: "SMITH, JOHN WILLIAM", Sex: "男", SexCode: "1",
			BirthDate: "1985-04-12", IDNumber: "USA310085041211", Nationality: "USA",
			ValidFrom: "2017-06-01", ValidUntil: "2027-06-01", CardVersion: "10", IssuerCode: "3100",
		}, Photo: SamplePhoto(4)},
		{Fields: textblock.Fields{
			Type: textblock.ForeignPermanent2023, Name: "玛丽亚", NameEn: "GARCIA LOPEZ, MARIA DEL CARMEN ALEJANDRA SOFIA", Sex: "女", SexCode: "2",
			IssueCount: "00", BirthDate: "1985-04-12", IDNumber: "911562198504120013", Nationality: "ESP",
			ValidFrom: "2024-01-10", ValidUntil: "2034-01-10",
		}, Photo: SamplePhoto(5)},
	}
}

// SampleCard returns the default sample: a resident card.
func SampleCard() *idcard.Card { return SampleCards()[0] }

// SamplePhoto returns 1024 deterministic bytes standing in for a WLT photo.
// They are not a real WLT image (no open encoder exists); they only have the
// right size and vary with seed.
func SamplePhoto(seed byte) []byte {
	p := make([]byte, 1024)
	copy(p, "WLT-SAMPLE")
	x := uint32(seed)*2654435761 + 1
	for i := 16; i < len(p); i++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		p[i] = byte(x)
	}
	return p
}
