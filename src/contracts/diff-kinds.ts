// The one table of contract change kinds and their class for a consumer of the data (the way
// datacontract-cli's changelog gives each change a severity). Adding a kind is one entry here and the
// place in diff.ts that detects it.

/** breaking: a consumer (or producer held to the contract) can fail; non-breaking: every record and
 * reader that worked still works; info: documentation only. */
export type ChangeClass = 'breaking' | 'non-breaking' | 'info';

export const CHANGE_KINDS = {
  contract_removed: { class: 'breaking', title: 'contract removed' },
  contract_added: { class: 'non-breaking', title: 'contract added' },
  property_removed: { class: 'breaking', title: 'property removed' },
  property_renamed: { class: 'breaking', title: 'property renamed' },
  property_added_required: { class: 'breaking', title: 'required property added' },
  property_added_optional: { class: 'non-breaking', title: 'optional property added' },
  type_changed: { class: 'breaking', title: 'type changed' },
  type_narrowed: { class: 'breaking', title: 'type narrowed' },
  type_widened: { class: 'non-breaking', title: 'type widened' },
  physical_type_changed: { class: 'breaking', title: 'physicalType changed' },
  physical_name_changed: { class: 'breaking', title: 'physicalName changed' },
  required_added: { class: 'breaking', title: 'required added' },
  required_removed: { class: 'non-breaking', title: 'required removed' },
  unique_added: { class: 'breaking', title: 'unique added' },
  unique_removed: { class: 'non-breaking', title: 'unique removed' },
  primary_key_changed: { class: 'breaking', title: 'primary key changed' },
  bound_tightened: { class: 'breaking', title: 'bound tightened' },
  bound_loosened: { class: 'non-breaking', title: 'bound loosened' },
  valid_values_tightened: { class: 'breaking', title: 'valid values tightened' },
  valid_values_loosened: { class: 'non-breaking', title: 'valid values loosened' },
  pattern_changed: { class: 'breaking', title: 'pattern added or changed' },
  pattern_removed: { class: 'non-breaking', title: 'pattern removed' },
  format_added: { class: 'breaking', title: 'format added' },
  format_removed: { class: 'non-breaking', title: 'format removed' },
  date_format_changed: { class: 'breaking', title: 'date format changed' },
  relationship_added: { class: 'breaking', title: 'foreign key added' },
  relationship_removed: { class: 'non-breaking', title: 'foreign key removed' },
  rule_added: { class: 'breaking', title: 'error rule added' },
  rule_added_warning: { class: 'non-breaking', title: 'warning rule added' },
  rule_changed: { class: 'breaking', title: 'rule changed' },
  rule_removed: { class: 'non-breaking', title: 'rule removed' },
  severity_raised: { class: 'breaking', title: 'severity raised to error' },
  severity_lowered: { class: 'non-breaking', title: 'severity lowered to warning' },
  classification_changed: { class: 'breaking', title: 'classification changed' },
  description_changed: { class: 'info', title: 'description changed' },
  tags_changed: { class: 'info', title: 'tags changed' },
  server_changed: { class: 'info', title: 'server changed' },
} as const satisfies Record<string, { class: ChangeClass; title: string }>;

export type ChangeKind = keyof typeof CHANGE_KINDS;

export function classOf(kind: ChangeKind): ChangeClass {
  return CHANGE_KINDS[kind].class;
}
