// Package graph is hopcheck's domain: the entities, countries, links and
// transactions that spreadsheets describe, the flags raised on transactions,
// the exposure policy, coded errors, and the Store interface that the
// embedded and Neo4j stores implement. It imports nothing of the project.
package graph
