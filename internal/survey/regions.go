package survey

// OutsideUkraine is the region option id for a citizen living abroad.
const OutsideUkraine = "outside"

// regionList is Ukraine's regions in keyboard order: the 24 oblasts
// alphabetically by Ukrainian name, then the cities with special status, the
// Autonomous Republic of Crimea, and "outside Ukraine". Ids are ISO 3166-2:UA.
var regionList = [...]struct{ id, uk, en, ru string }{
	{"UA-05", "Вінницька область", "Vinnytsia Oblast", "Винницкая область"},
	{"UA-07", "Волинська область", "Volyn Oblast", "Волынская область"},
	{"UA-12", "Дніпропетровська область", "Dnipropetrovsk Oblast", "Днепропетровская область"},
	{"UA-14", "Донецька область", "Donetsk Oblast", "Донецкая область"},
	{"UA-18", "Житомирська область", "Zhytomyr Oblast", "Житомирская область"},
	{"UA-21", "Закарпатська область", "Zakarpattia Oblast", "Закарпатская область"},
	{"UA-23", "Запорізька область", "Zaporizhzhia Oblast", "Запорожская область"},
	{"UA-26", "Івано-Франківська область", "Ivano-Frankivsk Oblast", "Ивано-Франковская область"},
	{"UA-32", "Київська область", "Kyiv Oblast", "Киевская область"},
	{"UA-35", "Кіровоградська область", "Kirovohrad Oblast", "Кировоградская область"},
	{"UA-09", "Луганська область", "Luhansk Oblast", "Луганская область"},
	{"UA-46", "Львівська область", "Lviv Oblast", "Львовская область"},
	{"UA-48", "Миколаївська область", "Mykolaiv Oblast", "Николаевская область"},
	{"UA-51", "Одеська область", "Odesa Oblast", "Одесская область"},
	{"UA-53", "Полтавська область", "Poltava Oblast", "Полтавская область"},
	{"UA-56", "Рівненська область", "Rivne Oblast", "Ровенская область"},
	{"UA-59", "Сумська область", "Sumy Oblast", "Сумская область"},
	{"UA-61", "Тернопільська область", "Ternopil Oblast", "Тернопольская область"},
	{"UA-63", "Харківська область", "Kharkiv Oblast", "Харьковская область"},
	{"UA-65", "Херсонська область", "Kherson Oblast", "Херсонская область"},
	{"UA-68", "Хмельницька область", "Khmelnytskyi Oblast", "Хмельницкая область"},
	{"UA-71", "Черкаська область", "Cherkasy Oblast", "Черкасская область"},
	{"UA-77", "Чернівецька область", "Chernivtsi Oblast", "Черновицкая область"},
	{"UA-74", "Чернігівська область", "Chernihiv Oblast", "Черниговская область"},
	{"UA-30", "м. Київ", "Kyiv City", "г. Киев"},
	{"UA-40", "м. Севастополь", "Sevastopol City", "г. Севастополь"},
	{"UA-43", "Автономна Республіка Крим", "Autonomous Republic of Crimea", "Автономная Республика Крым"},
	{OutsideUkraine, "За межами України", "Outside Ukraine", "За пределами Украины"},
}

// Regions returns the options of a region question: Ukraine's 24 oblasts
// (alphabetically by Ukrainian name), Kyiv and Sevastopol (cities with special
// status), the Autonomous Republic of Crimea, and "outside Ukraine". Option
// ids are ISO 3166-2:UA codes ("UA-05" Vinnytsia Oblast, "UA-30" Kyiv City,
// "UA-40" Sevastopol, "UA-43" Crimea) and OutsideUkraine; labels are in uk,
// en and ru. The slice is new on every call.
func Regions() []Option {
	out := make([]Option, len(regionList))
	for i, r := range regionList {
		out[i] = Option{ID: r.id, Label: Text{"uk": r.uk, "en": r.en, "ru": r.ru}}
	}
	return out
}
