/** The audit trail: filtered query and "verify chain". */
package dev.mandate.console.audit;
