"""The OAI-PMH 2.0 provider at ``/oai``: ``protocol`` (verbs, arguments, errors, datestamps,
sets), ``tokens`` (stateless resumption tokens), ``formats`` (marc21, oai_dc), ``provider``
(the verbs over the store)."""
