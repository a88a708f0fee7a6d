import { tokenize } from './ctfidf.js';

/**
 * Words that never make a good cluster name: common English, Spanish and Italian function words
 * (BERTopic pairs c-TF-IDF with a stop-word list for the same reason; the Spanish and Italian
 * lists serve the fortunes golden set), and the URL and HTML residue that e-mail and web text
 * carries. Vectors still see every word; only names are filtered. Words that are also English
 * content words ("come", "con", "fine", "dove") are left out of the other languages' lists.
 */
const ENGLISH = `a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each either else etc even ever every few for from
further get gets got had has have having he her here hers herself him himself his how however i if in into is it its
itself just let like may me might more most much must my myself no nor not now of off on once only or other our ours
ourselves out over own per same shall she should since so some such than that the their theirs them themselves then
there these they this those though through thus to too under until up upon us very via was we were what when where
whether which while who whom whose why will with within without would yet you your yours yourself yourselves
re fw fwd subject date sent received said says one two three`;

// Articles, pronouns, prepositions, conjunctions and the commonest auxiliary forms.
const SPANISH = `el la los las lo un una unos unas al del de y e o u ni que qué quien quién quienes cual cuál cuales
cuáles cuando cuándo cuanto cuánto como cómo donde dónde porque por qué para en entre sobre tras hacia hasta desde
contra según durante mediante bajo pero sino aunque si sí ya más menos muy mucho mucha muchos muchas poco poca
 tanto toda todo todos todas otro otra otros otras mismo misma este esta esto estos estas ese esa eso esos esas
aquel aquella aquello su sus mi mis tu tus nuestro nuestra vuestro vuestra yo tú él ella ello nosotros nosotras
vosotros ellos ellas usted ustedes me te se nos os le les es eran fue fueron ser sido siendo soy eres somos
está están estaba estar estoy hay había han ha he has hemos haber tiene tienen tener tengo hace hacer dijo
también tampoco entonces así aquí allí ahí ahora después antes siempre nunca algo nada alguien nadie cada les`;

const ITALIAN = `il lo la i gli le un uno una l un' dell della dello delle degli dei del di da dal dallo dalla dai
dagli dalle a al allo alla ai agli alle in nel nello nella nei negli nelle su sul sullo sulla sui sugli sulle con
col coi per tra fra e ed o od ma però perché perche che chi cui quale quali quando quanto quanta quanti quante dove
se non né anche ancora già più piu meno molto molta molti molte poco tanto tutto tutta tutti tutte altro altra altri
altre stesso questo questa questi queste quello quella quelli quelle suo sua suoi sue mio mia miei mie tuo tua tuoi
tue nostro nostra vostro vostra loro io tu lui lei noi voi essi esse mi ti si ci vi ne gli è e' sono erano
fu essere stato stata sei siamo siete ho hai ha abbiamo avete hanno aveva avere fa fare disse così cosi qui
qua lì là ora poi prima dopo sempre mai qualcosa niente nulla qualcuno nessuno ogni c' cosa cose`;

const MARKUP = `http https www com net org edu gov html htm php asp cgi url mailto br nbsp amp quot lt gt href src img
font face size color bgcolor align center left right border width height td tr th table tbody div span style class
px pt arial helvetica verdana sans serif`;

export const NAME_STOP_WORDS: ReadonlySet<string> = new Set(
  `${ENGLISH} ${SPANISH} ${ITALIAN} ${MARKUP}`.split(/\s+/).filter(Boolean),
);

/** The text reduced to the tokens worth naming a cluster by (stop words and number-laden tokens dropped). */
export function nameableText(text: string): string {
  // Numbers and number-laden tokens (ids, codes, tracking strings) name nothing a reader knows.
  return tokenize(text)
    .filter((t) => !NAME_STOP_WORDS.has(t) && !/^[\d_]+$/.test(t) && !/\d.*\d/.test(t))
    .join(' ');
}
