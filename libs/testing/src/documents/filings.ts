/**
 * Legal-looking documents whose text is written for CaseGraph's tests (no real case, no real party:
 * every party, lawyer, judge, number, address and amount is invented; the opinions cited are real citations).
 * They carry what the graph stages look for: captions, a case number, counsel, firms and companies,
 * court names, reporter and statute citations, dates in several spellings, money, e-mail addresses,
 * URLs and telephone numbers.
 */

/** Wraps paragraphs to lines of at most `width` characters (greedy, on spaces); '' keeps a blank line. */
export function wrapParagraphs(paragraphs: string[], width = 80): string[] {
  const out: string[] = [];
  for (const p of paragraphs) {
    if (!p) {
      out.push('');
      continue;
    }
    if (p.startsWith('|')) {
      out.push(p.slice(1)); // pre-formatted line (caption, table row)
      continue;
    }
    let line = '';
    for (const word of p.split(' ')) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}

/** Splits lines into pages of `perPage` lines. */
export function paginate(lines: string[], perPage: number): string[][] {
  const pages: string[][] = [];
  for (let i = 0; i < lines.length; i += perPage) pages.push(lines.slice(i, i + perPage));
  return pages;
}

const PORTS = ['Portland, Oregon', 'Tacoma, Washington', 'Oakland, California', 'Long Beach, California', 'Seattle, Washington'];
const DESTINATIONS = ['Yokohama, Japan', 'Busan, South Korea', 'Kaohsiung, Taiwan', 'Manila, Philippines', 'Ho Chi Minh City, Vietnam', 'Singapore'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Schedule A of the complaint: 96 unpaid shipments, generated from fixed tables (no randomness). */
function scheduleA(): string[] {
  const rows: string[] = [];
  for (let i = 0; i < 96; i++) {
    const month = MONTHS[(i * 5) % 12];
    const day = ((i * 7) % 27) + 1;
    const year = 2022 + Math.floor(i / 48);
    const amount = 4_150 + ((i * 2_713) % 19_000) + (i % 4) * 0.25;
    const money = `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    rows.push(
      `|${String(i + 1).padStart(3, ' ')}. Bill of lading NWF-${year}-${String(4100 + i * 13)}, ${month} ${day}, ${year}, ${PORTS[i % 5]} to ${DESTINATIONS[i % 6]}, ${money}`,
    );
  }
  return rows;
}

/** A complaint for breach of contract in a federal district court: the long, multi-page filing. */
export function complaintParagraphs(): string[] {
  return [
    '|IN THE UNITED STATES DISTRICT COURT',
    '|FOR THE DISTRICT OF OREGON',
    '|PORTLAND DIVISION',
    '',
    '|NORTHWIND FREIGHT CORPORATION, an Oregon corporation,',
    '|                                   Plaintiff,',
    '|          v.                                        Case No. 3:24-cv-01187-JR',
    '|HALVORSEN MARINE LOGISTICS, LLC, a Delaware limited',
    '|liability company, and PIETER HALVORSEN, an individual,',
    '|                                   Defendants.',
    '',
    '|COMPLAINT FOR BREACH OF CONTRACT, ACCOUNT STATED AND UNJUST ENRICHMENT',
    '|DEMAND FOR JURY TRIAL',
    '',
    'Plaintiff Northwind Freight Corporation ("Northwind") alleges as follows against Defendants Halvorsen Marine Logistics, LLC ("Halvorsen Marine") and Pieter Halvorsen:',
    '',
    '|I. NATURE OF THE ACTION',
    '',
    '1. This is an action to recover $1,284,500.00 in unpaid ocean freight charges, demurrage and detention fees that Halvorsen Marine owes Northwind Freight Corporation under the Master Transportation Services Agreement dated March 3, 2022 (the "Agreement"). Between January 2022 and December 2023 Northwind carried ninety-six containerised shipments for Halvorsen Marine from ports on the West Coast to ports in Asia. Halvorsen Marine accepted every shipment, received every invoice, and paid none of the invoices listed in Schedule A.',
    '',
    '2. Pieter Halvorsen, the managing member of Halvorsen Marine, personally guaranteed the obligations of Halvorsen Marine under a written Guaranty dated March 3, 2022. He has not honoured the Guaranty despite written demand made on 15 January 2024.',
    '',
    '|II. THE PARTIES',
    '',
    '3. Plaintiff Northwind Freight Corporation is a corporation organised under the laws of the State of Oregon with its principal place of business at 1400 NW Front Avenue, Suite 900, Portland, Oregon 97209. Northwind is a non-vessel operating common carrier licensed by the Federal Maritime Commission.',
    '',
    '4. Defendant Halvorsen Marine Logistics, LLC is a limited liability company organised under the laws of the State of Delaware with its principal place of business at 77 Harbor Island Drive, Seattle, Washington 98134. Upon information and belief, its sole member is Pieter Halvorsen.',
    '',
    '5. Defendant Pieter Halvorsen is an individual who resides in King County, Washington, and is a citizen of the State of Washington.',
    '',
    '|III. JURISDICTION AND VENUE',
    '',
    '6. This Court has subject matter jurisdiction under 28 U.S.C. § 1332(a) because the parties are citizens of different States and the amount in controversy exceeds $75,000, exclusive of interest and costs. Northwind is a citizen of Oregon. Halvorsen Marine, whose only member is Pieter Halvorsen, and Pieter Halvorsen are citizens of Washington.',
    '',
    '7. Venue is proper in this District under 28 U.S.C. § 1391(b)(2) because a substantial part of the events giving rise to the claims occurred here: the Agreement was negotiated and signed in Portland, and forty of the shipments departed from the Port of Portland. Section 18.2 of the Agreement also provides that any dispute shall be heard by the United States District Court for the District of Oregon.',
    '',
    '|IV. FACTUAL ALLEGATIONS',
    '',
    '|A. The Agreement',
    '',
    '8. On March 3, 2022, Northwind Freight Corporation and Halvorsen Marine signed the Agreement, under which Northwind agreed to book, consolidate and carry ocean freight for Halvorsen Marine at the rates in its Exhibit 1, and Halvorsen Marine agreed to pay each invoice within thirty days of the invoice date.',
    '',
    '9. Section 7.4 of the Agreement provides that unpaid invoices bear interest at one and one-half percent per month from the due date, and Section 12.1 provides that the prevailing party in any action to enforce the Agreement recovers its reasonable attorney fees.',
    '',
    '10. The Agreement designates Ingrid Solberg, Chief Financial Officer of Halvorsen Marine, as the person to whom invoices are to be sent, at isolberg@halvorsenmarine.example. Northwind sent every invoice described below to that address, and to accounts@halvorsenmarine.example.',
    '',
    '|B. The Shipments and the Invoices',
    '',
    '11. Between January 2022 and December 2023 Northwind carried the ninety-six shipments listed in Schedule A, each under its own bill of lading. Each shipment was delivered to the consignee named by Halvorsen Marine, and no claim for loss or damage was made on any of them.',
    '',
    '12. Northwind invoiced each shipment within five business days of departure. The invoices total $1,097,220.00 in freight charges and $187,280.00 in demurrage and detention, for a total of $1,284,500.00.',
    '',
    '13. On 14 September 2023 Ingrid Solberg wrote to Northwind that Halvorsen Marine "does not dispute the invoices" and asked for time to pay. Northwind agreed to wait until November 30, 2023. Halvorsen Marine made no payment by that date or since.',
    '',
    '|C. The Guaranty and the Demand',
    '',
    '14. In the Guaranty dated March 3, 2022, Pieter Halvorsen unconditionally guaranteed the full and punctual payment of every amount owed by Halvorsen Marine Logistics, LLC under the Agreement, up to $1,500,000.00.',
    '',
    '15. On 15 January 2024 counsel for Northwind Freight Corporation sent a written demand for payment to Halvorsen Marine and to Pieter Halvorsen by courier and by e-mail. Neither has paid or responded. The demand letter is Exhibit 3.',
    '',
    '|V. CLAIMS FOR RELIEF',
    '',
    '|FIRST CLAIM: Breach of Contract (against Halvorsen Marine Logistics, LLC)',
    '',
    '16. Northwind realleges paragraphs 1 through 15. The Agreement is a valid and enforceable contract. Northwind performed all of its obligations under it. Halvorsen Marine breached the Agreement by failing to pay the invoices listed in Schedule A when due. As a direct result Northwind has been damaged in the amount of $1,284,500.00, plus interest under Section 7.4.',
    '',
    '|SECOND CLAIM: Breach of Guaranty (against Pieter Halvorsen)',
    '',
    '17. Northwind realleges paragraphs 1 through 16. The Guaranty is a valid and enforceable contract. Pieter Halvorsen breached the Guaranty by failing to pay the amounts owed by Halvorsen Marine after demand, and is liable to Northwind for $1,284,500.00.',
    '',
    '|THIRD CLAIM: Account Stated (against Halvorsen Marine Logistics, LLC)',
    '',
    '18. Northwind realleges paragraphs 1 through 17. Northwind rendered a statement of account to Halvorsen Marine on October 2, 2023. Halvorsen Marine retained the statement without objection for more than sixty days and, in the e-mail of 14 September 2023, acknowledged the debt.',
    '',
    '|FOURTH CLAIM: Unjust Enrichment (in the alternative, against both Defendants)',
    '',
    "19. Northwind realleges paragraphs 1 through 18. To the extent the Agreement or the Guaranty is found unenforceable, Defendants received and accepted the benefit of Northwind's carriage services with knowledge that Northwind expected payment, and it would be unjust for them to retain that benefit without paying its value.",
    '',
    '20. A complaint states a claim when it pleads facts that allow the court to draw the reasonable inference that the defendant is liable. Bell Atlantic Corp. v. Twombly, 550 U.S. 544, 570 (2007); Ashcroft v. Iqbal, 556 U.S. 662, 678 (2009). The facts above meet that standard for each claim.',
    '',
    '|VI. PRAYER FOR RELIEF',
    '',
    'WHEREFORE, Northwind Freight Corporation asks the Court to enter judgment in its favour and against Defendants, jointly and severally, for:',
    '',
    'a. damages of $1,284,500.00;',
    'b. contractual interest at one and one-half percent per month from each invoice due date until paid;',
    'c. its reasonable attorney fees under Section 12.1 of the Agreement, and its costs; and',
    'd. such other relief as the Court finds just.',
    '',
    '|VII. JURY DEMAND',
    '',
    'Under Fed. R. Civ. P. 38(b), Plaintiff demands a trial by jury on all issues so triable.',
    '',
    'DATED: February 12, 2024.',
    '',
    '|                              OKAFOR & LINDQVIST LLP',
    '',
    '|                              By: /s/ Margaret A. Okafor',
    '|                              Margaret A. Okafor, OSB No. 061734',
    '|                              mokafor@okaforlindqvist.example',
    '|                              Daniel R. Lindqvist, OSB No. 093318',
    '|                              dlindqvist@okaforlindqvist.example',
    '|                              1211 SW Fifth Avenue, Suite 2300',
    '|                              Portland, Oregon 97204',
    '|                              Telephone: (503) 555-0147',
    '|                              https://www.okaforlindqvist.example/litigation',
    '',
    '|                              Attorneys for Plaintiff Northwind Freight Corporation',
    '',
    '|SCHEDULE A: UNPAID SHIPMENTS',
    '',
    ...scheduleA(),
    '',
    '|Total of Schedule A, freight, demurrage and detention: $1,284,500.00',
  ];
}

/** A motion to dismiss with a memorandum of law: the short filing, heavy on citations. */
export function motionParagraphs(): string[] {
  return [
    '|UNITED STATES DISTRICT COURT',
    '|DISTRICT OF OREGON',
    '',
    '|NORTHWIND FREIGHT CORPORATION,',
    '|                    Plaintiff,',
    '|     v.                                   Case No. 3:24-cv-01187-JR',
    '|HALVORSEN MARINE LOGISTICS, LLC, and',
    '|PIETER HALVORSEN,',
    '|                    Defendants.',
    '',
    "|DEFENDANT PIETER HALVORSEN'S MOTION TO DISMISS THE SECOND AND FOURTH CLAIMS",
    '',
    'Defendant Pieter Halvorsen moves under Fed. R. Civ. P. 12(b)(6) to dismiss the Second Claim (breach of guaranty) and the Fourth Claim (unjust enrichment) of the Complaint filed on February 12, 2024. Counsel conferred with counsel for Plaintiff by telephone on March 20, 2024, and the parties could not resolve the motion.',
    '',
    '|MEMORANDUM OF LAW',
    '',
    '|I. Legal standard',
    '',
    'To survive a motion to dismiss, a complaint must contain sufficient factual matter, accepted as true, to state a claim to relief that is plausible on its face. Ashcroft v. Iqbal, 556 U.S. 662, 678 (2009) (quoting Bell Atlantic Corp. v. Twombly, 550 U.S. 544, 570 (2007)). Labels and conclusions do not suffice. Twombly, 550 U.S. at 555. The Court may consider documents attached to the complaint. United States v. Ritchie, 342 F.3d 903, 908 (9th Cir. 2003).',
    '',
    '|II. The Guaranty expired before the invoices were issued',
    '',
    'The Guaranty attached as Exhibit 2 covers obligations "incurred within twelve months of its date", that is, until March 3, 2023. Fifty-one of the ninety-six shipments in Schedule A were invoiced after that date, for a total of $702,315.50. The Second Claim fails at least as to those invoices. A guarantor is bound only by the terms of the guaranty it signed. See Lindsey v. Normet, 405 U.S. 56, 64 (1972) (courts do not rewrite the bargain of the parties); Roe v. Wade, 410 U.S. 113, 163 (1973) (cited by Plaintiff for a different proposition).',
    '',
    '|III. Unjust enrichment is unavailable where an express contract governs',
    '',
    'Oregon law does not allow a claim for unjust enrichment when an express contract covers the same subject. Wilson v. Gutierrez, 323 Or. App. 189, 197 (2022). The Complaint itself alleges that the Agreement of March 3, 2022 governs every shipment. Halvorsen Marine Logistics, LLC does not join this motion and will answer the Complaint.',
    '',
    '|IV. Conclusion',
    '',
    'The Court should dismiss the Second Claim as to the invoices issued after March 3, 2023, and the Fourth Claim as to Pieter Halvorsen, without leave to amend.',
    '',
    'Respectfully submitted on April 2, 2024.',
    '',
    '|                         BRANDT KOWALCZYK PC',
    '|                         /s/ Theresa M. Kowalczyk',
    '|                         Theresa M. Kowalczyk, WSBA No. 40122',
    '|                         tkowalczyk@brandtkowalczyk.example',
    '|                         600 University Street, Suite 3100',
    '|                         Seattle, Washington 98101',
    '|                         Telephone: (206) 555-0188',
    '|                         Attorneys for Defendant Pieter Halvorsen',
    '',
    '|CERTIFICATE OF SERVICE',
    '',
    'I certify that on April 2, 2024, I filed this motion through the CM/ECF system of the United States District Court for the District of Oregon, which will send notice to Margaret A. Okafor and Daniel R. Lindqvist of Okafor & Lindqvist LLP, counsel for Northwind Freight Corporation, at mokafor@okaforlindqvist.example.',
    '',
    '|                         /s/ Theresa M. Kowalczyk',
  ];
}

/** The demand letter (Exhibit 3 of the complaint), as it would come back from a scanner: two pages. */
export function demandLetterPages(): string[][] {
  return [
    [
      'OKAFOR & LINDQVIST LLP',
      '1211 SW Fifth Avenue, Suite 2300, Portland, Oregon 97204',
      'Telephone (503) 555-0147',
      '',
      'January 15, 2024',
      '',
      'BY COURIER AND E-MAIL',
      '',
      'Halvorsen Marine Logistics, LLC',
      'Attention: Ingrid Solberg, Chief Financial Officer',
      '77 Harbor Island Drive, Seattle, Washington 98134',
      '',
      'Mr. Pieter Halvorsen',
      '77 Harbor Island Drive, Seattle, Washington 98134',
      '',
      'Re: Northwind Freight Corporation, unpaid invoices',
      '',
      'Dear Ms. Solberg and Mr. Halvorsen:',
      '',
      'This firm represents Northwind Freight Corporation. Under the',
      'Master Transportation Services Agreement of March 3, 2022,',
      'Halvorsen Marine owes our client the sum of $1,284,500.00 for',
      'ninety-six shipments carried between January 2022 and',
      'December 2023. The invoices are listed on the enclosed',
      'schedule. None of them has been paid.',
    ],
    [
      'Mr. Halvorsen guaranteed these obligations in writing on the',
      'same date. We therefore demand payment of the full amount from',
      'both of you within ten days of the date of this letter.',
      '',
      'If we do not receive payment by January 25, 2024, our client',
      'has instructed us to file suit in the United States District',
      'Court for the District of Oregon without further notice, and to',
      'seek interest, attorney fees and costs as the Agreement allows.',
      '',
      'Please direct any questions to me at the number above.',
      '',
      'Very truly yours,',
      '',
      'Margaret A. Okafor',
      'Okafor & Lindqvist LLP',
      '',
      'Enclosure: schedule of unpaid invoices',
      'cc: Northwind Freight Corporation',
    ],
  ];
}

/** A notice of appearance, scanned to one PNG page. */
export function noticeOfAppearanceLines(): string[] {
  return [
    'UNITED STATES DISTRICT COURT',
    'DISTRICT OF OREGON',
    '',
    'Northwind Freight Corporation, Plaintiff,',
    'v. Halvorsen Marine Logistics, LLC, et al., Defendants.',
    'Case No. 3:24-cv-01187-JR',
    '',
    'NOTICE OF APPEARANCE',
    '',
    'Theresa M. Kowalczyk of Brandt Kowalczyk PC enters her',
    'appearance as counsel for Defendant Pieter Halvorsen.',
    'Please serve all papers on her at the address below.',
    '',
    'Dated: March 18, 2024',
    '',
    'Theresa M. Kowalczyk, WSBA No. 40122',
    'Brandt Kowalczyk PC',
    '600 University Street, Suite 3100',
    'Seattle, Washington 98101',
    'Telephone (206) 555-0188',
  ];
}

/** A scheduling order of the court: a short, one-page text filing. */
export function schedulingOrderParagraphs(): string[] {
  return [
    '|UNITED STATES DISTRICT COURT',
    '|DISTRICT OF OREGON',
    '',
    '|NORTHWIND FREIGHT CORPORATION, Plaintiff, v. HALVORSEN MARINE LOGISTICS, LLC,',
    '|and PIETER HALVORSEN, Defendants.                Case No. 3:24-cv-01187-JR',
    '',
    '|SCHEDULING ORDER',
    '',
    "Having considered the parties' joint report filed on May 6, 2024, the Court orders as follows:",
    '',
    '1. Initial disclosures under Fed. R. Civ. P. 26(a)(1) are due by June 7, 2024.',
    '2. Motions to amend the pleadings or to add parties are due by August 30, 2024.',
    '3. Fact discovery closes on January 31, 2025; expert reports are due by March 14, 2025.',
    '4. Dispositive motions are due by May 2, 2025.',
    '5. The parties shall attend a settlement conference before Magistrate Judge Rosalind Achebe no later than June 27, 2025. Each party shall send a confidential settlement statement to chambers at achebe_chambers@ord.uscourts.example seven days before the conference.',
    '6. A jury trial of five days is set for October 20, 2025, at 9:00 a.m. in Courtroom 14B of the United States Courthouse in Portland, Oregon.',
    '',
    'IT IS SO ORDERED.',
    '',
    'DATED this 13th day of May, 2024.',
    '',
    '|                              /s/ Eleanor V. Marsh',
    '|                              Eleanor V. Marsh',
    '|                              District Judge',
  ];
}
