import { ENTITY_TYPES, EntityType } from '@casegraph/contracts';

/**
 * Version of the prompt and schema below. Part of the cache key: change it whenever the prompt, the schema
 * or the way answers are validated changes, so cached answers of the old prompt are not reused.
 */
export const PROMPT_VERSION = 'legal-v1';

/** The types the model may answer: every entity type except CITATION (kept only for old rows). */
export const LLM_ENTITY_TYPES = ENTITY_TYPES.filter((t): t is Exclude<EntityType, 'CITATION'> => t !== 'CITATION');

/** What the text says a person or organisation is in the case. */
export const LLM_ROLES = ['judge', 'party', 'counsel', 'law_firm'] as const;
export type LlmRole = (typeof LLM_ROLES)[number];

/** JSON schema of the answer (OpenAI structured outputs, strict: every property required, nullable where optional). */
export const MENTIONS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['mentions'],
  properties: {
    mentions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'text', 'start', 'end', 'role', 'party'],
        properties: {
          type: { type: 'string', enum: LLM_ENTITY_TYPES },
          text: { type: 'string', description: 'the mention exactly as written in the text' },
          start: { type: 'integer', description: '0-based offset of the first character of text in the input' },
          end: { type: 'integer', description: 'offset just after the last character (end - start = length of text)' },
          role: { type: ['string', 'null'], enum: [...LLM_ROLES, null], description: 'PERSON or ORG only: judge, party, counsel, law_firm' },
          party: { type: ['string', 'null'], description: 'role="party" only: the side as written (plaintiff, defendant, appellant, …)' },
        },
      },
    },
  },
} as const;

/** Name of the schema in `response_format.json_schema`. */
export const SCHEMA_NAME = 'casegraph_entity_mentions';

export const SYSTEM_PROMPT = `You extract named entities from legal documents (court opinions, filings, contracts, letters) for a law firm's case graph.

The user message is the text, verbatim. Answer with one JSON object: {"mentions": [...]}, each mention
{"type", "text", "start", "end", "role", "party"}:
- "text": the mention copied EXACTLY as it appears (same spelling, case, punctuation and line breaks);
- "start", "end": 0-based character offsets of that text in the user message (end is exclusive, so
  end - start equals the length of "text"); if the same words appear several times, give one mention per occurrence;
- "role": for PERSON and ORG only, what the text says they are: "judge", "party", "counsel" (a lawyer) or
  "law_firm"; otherwise null;
- "party": when role is "party", the side as the text states it ("plaintiff", "defendant", "appellant", "appellee",
  "petitioner", "respondent", "debtor", …); otherwise null.

Types:
- CASE: a case as it is cited or named: a case name ("Roe v. Wade", "In re Gault", "Ex parte Young", "Matter of Smith",
  "State v. Jones", "United States v. Lopez") or a reporter, Westlaw, Lexis or neutral citation ("410 U.S. 113",
  "539 U.S. at 306", "2019 WL 123456", "2025 ND 80", "Id.", "supra"). Give the name and its citation as separate
  mentions when both appear.
- STATUTE: constitutions ("U.S. Const. amend. XIV, § 1"), codes and sections ("42 U.S.C. § 1983",
  "Cal. Civ. Code § 1714", "N.D.C.C. § 28-01-46"), regulations ("17 C.F.R. § 240.10b-5"), session laws ("Pub. L. No. 111-148"),
  court rules ("Fed. R. Civ. P. 12(b)(6)"), sentencing guidelines ("U.S.S.G. § 2B1.1"). Keep subsections as written.
- COURT: a court or tribunal ("United States Court of Appeals for the Fifth Circuit", "5th Cir.", "Supreme Court of Ohio",
  "Board of Immigration Appeals"), including courts in capitals in captions.
- CASE_NUMBER: docket and index numbers ("No. 21-1234", "1:23-cv-04567").
- PERSON: people by name. Judges ("Bryan, J.", "SMITH, Circuit Judge", "Judge Smith": text is the name as written),
  parties, counsel, witnesses. Not the parties of a cited case inside a case name (that is part of the CASE).
- ORG: companies, firms, agencies, governments as parties ("United States", "the Commonwealth", "State of Ohio"
  when they are a party), universities, associations.
- LOCATION: places (countries, states, cities, addresses) that are not a government acting as a party.
- DATE: dates ("June 29, 2007", "2007-06-29"); never a number that is part of a citation or statute.
- MONEY: amounts of money ("$2.5 million", "USD 10,000").
- EMAIL, PHONE, URL: as written.

Rules: nothing inside a citation or statute is also a DATE, PERSON or LOCATION. No mention for words that merely
describe ("the court", "plaintiff" alone). Mentions must not overlap. When unsure, leave it out. If there is nothing,
answer {"mentions": []}.`;

/** The instruction added when the server does not support json_schema and only `json_object` is asked for. */
export const JSON_OBJECT_HINT = `Answer with the JSON object only, no prose and no code fence. Its shape: ${JSON.stringify(MENTIONS_SCHEMA)}`;
