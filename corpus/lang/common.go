package lang

// common are, for each language Detect tells apart by its words, the
// words its texts are most often built from (articles, prepositions,
// pronouns, conjunctions, the commonest verbs), lower case, as written.
// The lists are of similar length, so that none outvotes another by size.
var common = map[string]string{
	"en": `the of and to a in is that it was for on are as with his they be at
	have this from or had by not but what all were we when your can there an
	which she do how their if will up other about out them these so some her
	would him into has its been who did does than then only also after
	where our between while because through before such those should very
	just here could any each most many`,
	"es": `de la que el en y a los del se las por un para con no una su al lo como
	más pero sus le ya o este sí porque esta entre cuando muy sin sobre
	también me hasta hay donde quien desde todo nos durante todos uno les ni
	contra otros ese eso ante ellos esto antes algunos qué unos yo otro otras
	otra él tanto esa estos mucho quienes nada muchos cual ella estar estas
	algunas algo es son fue fueron era eran ha han había ser sido está están
	cómo dónde cuándo cuál quién después según aunque así hacia si cada
	mismo misma todas aquí entonces`,
	"fr": `le la les de des du un une et est en que qui dans pour pas au aux avec
	ce ces il elle ils elles ne se sur par plus sont ont été était sa son ses
	leur leurs mais ou où on nous vous je tu y à cette cet comme tout tous
	toute être avoir fait entre aussi sans sous après avant depuis dont lui
	même très bien quand comment pourquoi quel quelle qu l d c n s j avait
	étaient peut`,
	"de": `der die das und ist nicht ein eine einen einem einer zu den von mit
	sich auf für dem des im auch es wird wurde wurden werden sind war waren hat
	haben wie aus an bei nach als oder aber noch nur so um über vor durch bis
	unter zum zur er sie wir ihr ich du man sein seine ihre kann können dass
	daß wenn wo was wer warum dieser diese dieses jedoch sowie schon sehr mehr
	gegen zwischen ohne während hatte hatten`,
	"it": `il lo la i gli le di del della dei degli delle da dal dalla che e è un
	una uno in nel nella con per non si sono era erano ha hanno anche come più
	ma o se questo questa quello quella al alla ai alle sul sulla su tra fra
	dopo prima ancora molto tutto tutti essere stato stata cui quando dove
	perché chi cosa loro lui lei noi voi io ci ne già sempre suo sua`,
	"pt": `de a o que e do da em um uma para com não os as no na por mais dos das
	se ao aos como mas foi ele ela seu sua seus suas ou ser quando muito nos
	já está também só pelo pela até isso entre depois sem mesmo ter são tem
	era eram foram há esse essa este esta isto aquele onde quem porque sobre
	após durante todos todas você eles elas num numa lhe é às nas pelos pelas
	nem então ainda pode podem cada`,
	"nl": `de het een en van is dat niet op te zijn met voor die in er ook aan
	maar wordt werd worden bij om naar ik je we wij hij zij ze was waren heeft
	hebben had dit deze als dan door uit over tot nog wel geen of wat wie waar
	hoe waarom kan kunnen zal zou al meer veel onder tegen na tussen zonder
	omdat toen nu hun haar zich`,
	"sv": `och det att i en jag hon som han på den med var sig för så till är men
	ett om hade de av icke mig du henne då sin nu har inte hans honom skulle
	hennes där min man ej vid kunde något från ut när efter upp vi dem vara
	vad över än dig kan sina här ha mot alla under någon eller allt mycket
	sedan ju denna detta utan varit hur ingen blev också ur`,
	"no": `og i det at en et den til er som på de med han av ikke der så var meg
	seg men har om vi min ha hadde hun nå over da ved fra du ut sin dem oss
	opp man kan hans hvor eller hva skal selv her alle vil bli ble blitt
	kunne inn når være noen noe ville etter ned skulle denne for deg mot også
	mellom hvordan hvorfor dette disse uten ingen mye bare enn fordi før
	mange slik vært uten gjennom igjen finnes deres hver`,
	"da": `og i jeg det at en den til er som på de med han af for ikke der var
	mig sig men et har om vi min havde hun nu over da fra du ud sin dem os op
	man hans hvor eller hvad skal selv her alle vil blev kunne ind når være
	noget ville jo deres efter ned skulle denne end dette også under have dig
	anden hende mine alt meget sit sine mod disse hvis din nogle hos blive
	mange bliver været sådan mellem hvordan hvorfor uden gennem igen findes
	ingen hver`,
	"fi": `ja on ei se että oli hän kun mutta ovat tai myös niin joka kuin ole
	sen tämä mitä ne olla ollut olivat jos vain sitten nyt vielä jo kaikki
	koska mukaan siitä sitä hänen heidän minä sinä me te he mikä missä miten
	miksi kuka jotka joita jonka jossa kanssa yli ennen jälkeen aikana välillä
	ilman`,
	"hu": `a az és hogy nem is egy van volt meg csak de ez mint már még vagy el
	ki fel sem kell lesz pedig azt ezt amely amelyek aki akik ami amit ahol
	amikor hanem szerint után előtt között alatt mellett által miatt nagyon
	minden most itt ott igen ha mert majd mi mit miért hogyan hol mikor ezek
	azok voltak lett miután`,
	"pl": `i w nie na się z że do to jest jak ale co o od po tak był była było
	przez dla są jego jej ich ze czy oraz też tylko już może bardzo jako tego
	tym tej który która które których gdy gdzie kiedy dlaczego jaki jakie kto
	lub albo także został została zostały być przed pod nad między bez według`,
	"cs": `a se na je v že to s z do o jak ale by jsou byl byla bylo byly není
	který která které také jeho její jejich ze za po pro od při jako už jen
	ještě tak když kde proč kdo co tento tato toto tyto mezi bez před pod nad
	podle během`,
	"sk": `a sa na je v že to s z do o ako ale by sú bol bola bolo boli nie
	ktorý ktorá ktoré aj jeho jej ich zo za po pre od pri už len ešte tak
	keď kde prečo kto čo tento táto toto tieto medzi bez pred pod nad podľa
	počas`,
	"ro": `și de în la cu nu este care pe din o un mai să a fost sunt pentru ce se
	al ale lui ei lor sau dar după prin acest această acesta aceasta fi au
	avea era erau are între când unde cum cine tot toate foarte doar`,
	"tr": `ve bir bu da de için ile çok ne olarak daha gibi ama olan var en o şu
	her kadar sonra önce göre ise değil mi mı mu mü ya veya hem nasıl neden
	nerede kim zaman ki bunu bunun onun oldu olduğu`,
	"id": `yang dan di ini itu dengan untuk tidak dari dalam akan pada juga ke
	ada adalah oleh karena bisa sudah saya kami kita mereka dia ia atau
	tetapi tapi jika sebagai lebih telah bahwa seperti hanya antara setelah
	sebelum tentang apa siapa mengapa bagaimana kapan mana`,
	"ca": `el la els les de del dels i a en un una que és per amb no al als es hi
	ho ha han va van com més però o ser són era eren aquest aquesta aquests
	aquestes també fins entre sense sobre quan on qui què perquè seu seva
	seus seves molt tot tots`,
	"hr": `i u je da se na za su od koji koja koje ali kao što to s sa o iz po
	bio bila bilo bili nije će biti ili ne ni samo još već kada gdje zašto
	tko ovaj ova ovo ovi među bez prije nakon prema`,
	"vi": `của và là có không các những được trong một người cho này với đã để
	đến khi từ như về thì cũng theo nhiều ra nhưng vì sau trên tại năm đó rất`,
	"ru": `и в во не что он на я с со как а то все она так его но да ты к у же
	вы за бы по только ее мне было вот от меня еще нет о из ему теперь когда
	даже ну ли если уже или ни быть был него до вас там потом себя ничего ей
	может они тут где есть надо ней для мы тебя их чем была сам без чего раз
	тоже себе под будет тогда кто этот того потому этого какой здесь этом
	один тем чтобы были всех можно при после над больше тот через эти нас
	про всего них какая много это эта который которые которая которых также
	стал`,
	"uk": `і в у не що він на я з як а то все вона так його але та ти до же ви
	за б по тільки її мені було від мене ще немає о із йому тепер коли
	навіть чи якщо вже або ні бути був нього вас там потім себе нічого їй
	може вони тут де є треба для ми тебе їх ніж була сам без також це цей ця
	ці який яка які якого після між через про більше дуже`,
	"be": `і ў не што ён на я з як а то ўсё яна так яго але ты да за па толькі
	яе мне было ад мяне яшчэ няма аб яму цяпер калі нават ці ўжо або ні
	быць быў там потым сябе яны тут дзе ёсць трэба для мы іх чым была гэта
	гэты гэтая якія які пасля паміж праз пра больш вельмі`,
	"bg": `и в не че на се да с за от по е са как а то той тя те това този тази
	тези но ли или като при след между към без до който която което които
	също много още може беше бил била било бяха има няма`,
	"sr": `и у је да се на за су од који која које али као што то с са о из по
	био била било били није ће бити или не ни само још већ када где зашто ко
	овај ова ово`,
	"kk": `және бұл мен да де үшін бір ол болып деп еді осы сол оның олар бар
	жоқ деген емес`,
	"mn": `ба бол нь юм энэ тэр байна байсан гэж болон гэсэн нэг их бид та би
	байгаа`,
	"mk": `и во не дека на се да со за од по е како а тоа тој таа тие ова овој
	оваа овие но ли или кој која кое кои исто многу уште може беше бил била
	било има нема`,
}
