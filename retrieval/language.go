package retrieval

import (
	"lectern/corpus/lang"
	"lectern/retrieval/index"
)

// engineAnalyzerFor returns the analysis an Engine indexes a language's
// sentences with: English with its irregular forms, every other language
// with its own stop words and stemmer, if lectern has one.
func engineAnalyzerFor(code string) index.AnalyzerOptions {
	if code == "" || code == lang.English {
		return engineAnalyzer
	}
	return index.AnalyzerOptions{Language: code}
}

// engineAnalyzer is the analysis an Engine indexes English sentences with.
var engineAnalyzer = index.AnalyzerOptions{Irregular: true}

// fillerLists are, by language, the words questions are phrased with
// rather than words they ask about: "explain", "tell me", "what
// happened", "please", "thanks". See fillerWords.
var fillerLists = map[string]string{
	"en": `explain explanation describe description tell
	say happen happened mean meaning please know think talk information info
	detail details learn anything something everything nothing thing things
	stuff example give show list summary summarize summarise overview question
	answer text book page article read find want need like kind sort type way
	ways get got getting go goes going gone went come came make made take
	took put use used try tried trying keep kept really actually just right
	away still ever else much lot lots big deal whole guy guys basically
	exactly completely anyway okay ok yeah hey hi hello thanks thank please
	sure maybe perhaps probably again back also even quite bit`,
	"es": `explica explícame explicar explicación describe describir
	descripción dime di decir dice dijo cuenta cuéntame contar pasa pasó pasaba
	pasar ocurre ocurrió ocurrir sucede sucedió suceder significa significado
	favor saber sabes sé conoces pienso creo crees hablar habla información
	info detalle detalles aprender cosa cosas ejemplo da dame dar muestra
	muéstrame mostrar lista resumen resume resumir pregunta respuesta texto
	libro página artículo leer encontrar busca buscar quiero querer necesito
	necesitar tipo forma manera hacer hizo hace hacía hicieron hecho
	tomar toma usar uso usado intentar realmente simplemente exactamente
	básicamente bueno vale oye hola gracias quizás quizá acaso probablemente
	vez veces incluso bastante pues entonces alguien ningún ninguna verdad
	todavía siquiera ir va iba fueron intentó intentaba intentaron
	intentaban`,
	"fr": `explique expliquer explication décris décrire description dis dire
	raconte raconter passé passe passer arrivé arrive arriver signifie
	signification plaît savoir sais connais pense crois parler information
	info détail détails apprendre chose choses exemple donne donner montre
	montrer liste résumé résumer question réponse texte livre page article
	lire trouver cherche chercher veux vouloir besoin genre sorte façon
	manière faire fait fit prendre utiliser essayer vraiment simplement
	exactement bon bref salut bonjour merci peut-être probablement encore
	même assez alors quelqu un quelque`,
	"ru": `объясни объясните объяснить объяснение опиши опишите описать
	описание расскажи расскажите рассказать скажи скажите сказать говорить
	произошло произошел произошла произошли происходило происходит случилось
	случился случилась случились бывает стало значит значение пожалуйста
	знать знаю знаешь думать думаю информация инфо подробно подробнее
	подробности узнать что-нибудь что-то кто-то нибудь ничего вещь вещи пример
	дай дайте дать покажи покажите показать список кратко вопрос ответ текст
	книга страница статья читать найти найди хочу хотеть нужно нужен тип вид
	способ образом сделать делать сделал сделали взять использовать
	попробовать правда вообще просто ладно окей привет спасибо наверное
	вроде примерно именно вообще-то итак пытаться пытался пыталась пытались
	пытается пытаются попытаться попытался самом деле`,
	"de": `erkläre erklären erklärung beschreibe beschreiben beschreibung sag
	sage sagen erzähl erzähle erzählen passiert passierte geschehen geschah
	bedeutet bedeutung bitte wissen weiß kennst denke glaube reden information
	info detail details lernen ding dinge beispiel gib geben zeig zeige
	zeigen liste zusammenfassung frage antwort text buch seite artikel lesen
	finden suche suchen möchte brauche art weise machen gemacht nehmen
	benutzen versuchen wirklich einfach genau eigentlich okay hallo danke
	vielleicht wahrscheinlich`,
	"pt": `explica explique explicar explicação descreve descrever descrição
	diga diz dizer conta conte contar aconteceu acontece acontecer ocorreu
	ocorre significa significado favor saber sei sabe conhece acho penso
	falar informação info detalhe detalhes aprender coisa coisas exemplo dá
	dê dar mostra mostre mostrar lista resumo resumir pergunta resposta texto
	livro página artigo ler encontrar procura procurar quero querer preciso
	precisar tipo forma maneira fazer fez faz feito tomar usar tentar
	realmente simplesmente exatamente basicamente bem olá obrigado obrigada
	talvez provavelmente vez alguém`,
	"it": `spiega spiegami spiegare spiegazione descrivi descrivere
	descrizione dimmi dire dici racconta raccontare successo succede
	succedere accaduto significa significato favore sapere so sai conosci
	penso credo parlare informazione informazioni info dettaglio dettagli
	imparare cosa cose esempio dai dammi dare mostra mostrami mostrare lista
	elenco riassunto riassumere domanda risposta testo libro pagina articolo
	leggere trovare cerca cercare voglio volere bisogno tipo modo fare fatto
	fa prendere usare provare davvero semplicemente esattamente
	praticamente ciao grazie forse probabilmente volta qualcuno`,
}
