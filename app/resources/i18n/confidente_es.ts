<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
<context>
    <name>AppStatusBar</name>
    <message>
        <source>Model preparation progress</source>
        <translation>Progreso de la preparación del modelo</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modelo</translation>
    </message>
    <message>
        <source>Speed of the last answer</source>
        <translation>Velocidad de la última respuesta</translation>
    </message>
    <message>
        <source>Indexing</source>
        <translation>Indexación</translation>
    </message>
    <message>
        <source>Model: loading…</source>
        <translation>Modelo: cargando…</translation>
    </message>
    <message>
        <source>Model: none loaded</source>
        <translation>Modelo: ninguno cargado</translation>
    </message>
    <message>
        <source>{path}
{context} tokens of context, {threads} threads, prompt format: {format}</source>
        <translation>{path}
{context} tokens de contexto, {threads} hilos, formato de prompt: {format}</translation>
    </message>
    <message>
        <source>{speed} tokens/s</source>
        <translation>{speed} tokens/s</translation>
    </message>
    <message>
        <source>{count} tokens</source>
        <translation>{count} tokens</translation>
    </message>
    <message>
        <source>Last answer: {generated} tokens, first after {first} s; {reused} of {prompt} prompt tokens reused from the cache</source>
        <translation>Última respuesta: {generated} tokens, el primero a los {first} s; {reused} de {prompt} tokens del prompt reutilizados de la caché</translation>
    </message>
</context>
<context>
    <name>AutoSpinBox</name>
    <message>
        <source>Auto</source>
        <translation>Auto</translation>
    </message>
</context>
<context>
    <name>CatalogTableModel</name>
    <message>
        <source>Good</source>
        <translation>Bueno</translation>
    </message>
    <message>
        <source>Fair</source>
        <translation>Aceptable</translation>
    </message>
    <message>
        <source>Basic</source>
        <translation>Básico</translation>
    </message>
    <message>
        <source>Fits</source>
        <translation>Cabe</translation>
    </message>
    <message>
        <source>Slow</source>
        <translation>Lento</translation>
    </message>
    <message>
        <source>Won&apos;t fit</source>
        <translation>No cabe</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>Español</translation>
    </message>
    <message>
        <source>Licence</source>
        <translation>Licencia</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Ajuste</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>Instalado</translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>Descargando…</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reanudar</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Descargar</translation>
    </message>
    <message>
        <source>How well the model would run on this computer</source>
        <translation>Qué tal funcionaría el modelo en este ordenador</translation>
    </message>
    <message>
        <source>{licence} (gated)</source>
        <translation>{licence} (acceso restringido)</translation>
    </message>
    <message>
        <source>{summary}
{parameters}B parameters, {quantization}, trained on {context} tokens of context</source>
        <translation>{summary}
{parameters} mil millones de parámetros, {quantization}, entrenado con {context} tokens de contexto</translation>
    </message>
    <message>
        <source>Needs about {size} of memory to run</source>
        <translation>Necesita unos {size} de memoria para funcionar</translation>
    </message>
    <message>
        <source>Gated: accept the licence on huggingface.co, then add your access token with “Hugging Face token…”</source>
        <translation>Acceso restringido: acepta la licencia en huggingface.co y luego añade tu token de acceso con «Token de Hugging Face…»</translation>
    </message>
    <message>
        <source>How well it writes Spanish</source>
        <translation>Qué tal escribe en español</translation>
    </message>
</context>
<context>
    <name>ChatController</name>
    <message>
        <source>Editing your message: send to replace it (and what followed), Esc to cancel.</source>
        <translation>Editando tu mensaje: envíalo para sustituirlo (junto con lo que venía después), Esc para cancelar.</translation>
    </message>
    <message>
        <source>Waiting for the model to load…</source>
        <translation>Esperando a que cargue el modelo…</translation>
    </message>
    <message>
        <source>The model gave no answer.</source>
        <translation>El modelo no ha dado ninguna respuesta.</translation>
    </message>
    <message>
        <source>something went wrong inside.</source>
        <translation>algo ha fallado internamente.</translation>
    </message>
    <message>
        <source>No answer: {reason}</source>
        <translation>Sin respuesta: {reason}</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>Deteniendo…</translation>
    </message>
    <message>
        <source>The result was saved with the conversations.</source>
        <translation>El resultado se ha guardado con las conversaciones.</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Stopped before the end.</source>
        <translation>Detenida antes del final.</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>Conversación</translation>
    </message>
    <message>
        <source>Start a conversation by typing below.
Everything stays on this computer: nothing you write is sent anywhere.</source>
        <translation>Empieza una conversación escribiendo abajo.
Todo se queda en este ordenador: nada de lo que escribes se envía a ninguna parte.</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Aviso</translation>
    </message>
</context>
<context>
    <name>CompareDialog</name>
    <message>
        <source>Compare with:</source>
        <translation>Comparar con:</translation>
    </message>
    <message>
        <source>Document to compare with</source>
        <translation>Documento con el que comparar</translation>
    </message>
    <message>
        <source>The newer version: what it added, removed, changed or moved is listed</source>
        <translation>La versión más reciente: se lista lo que añadió, quitó, cambió o movió</translation>
    </message>
    <message>
        <source>Other file…</source>
        <translation>Otro archivo…</translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation>Comparar con</translation>
    </message>
    <message>
        <source>Choose the document to compare with.</source>
        <translation>Elija el documento con el que comparar.</translation>
    </message>
    <message>
        <source>Choose another document than this one.</source>
        <translation>Elija un documento distinto de este.</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Send</source>
        <translation>Enviar</translation>
    </message>
    <message>
        <source>Send the message (Enter)</source>
        <translation>Enviar el mensaje (Intro)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Detener</translation>
    </message>
    <message>
        <source>Stop the answer (Esc)</source>
        <translation>Detener la respuesta (Esc)</translation>
    </message>
    <message>
        <source>Answer from documents</source>
        <translation>Responder con los documentos</translation>
    </message>
    <message>
        <source>Assistant&apos;s instructions for this conversation</source>
        <translation>Instrucciones del asistente para esta conversación</translation>
    </message>
    <message>
        <source>The system prompt of this conversation: what the assistant is asked to do</source>
        <translation>El prompt de sistema de esta conversación: lo que se le pide al asistente</translation>
    </message>
    <message>
        <source>Custom instructions</source>
        <translation>Instrucciones propias</translation>
    </message>
    <message>
        <source>Assistant:</source>
        <translation>Asistente:</translation>
    </message>
    <message>
        <source>Answer from documents: {library}</source>
        <translation>Responder con los documentos: {library}</translation>
    </message>
    <message>
        <source>On: answers use only the documents of the library “{library}” and cite them. Off: a plain chat with the model.</source>
        <translation>Activado: las respuestas usan solo los documentos de la biblioteca «{library}» y los citan. Desactivado: un chat normal con el modelo.</translation>
    </message>
</context>
<context>
    <name>ConversationActions</name>
    <message>
        <source>Conversation</source>
        <comment>the file name of an export of an untitled one</comment>
        <translation>Conversación</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Cambiar el nombre…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Eliminar…</translation>
    </message>
    <message>
        <source>Export as Markdown…</source>
        <translation>Exportar como Markdown…</translation>
    </message>
    <message>
        <source>Export as PDF…</source>
        <translation>Exportar como PDF…</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>Cambiar el nombre de la conversación</translation>
    </message>
    <message>
        <source>New title:</source>
        <translation>Título nuevo:</translation>
    </message>
    <message>
        <source>Renamed to “{title}”.</source>
        <translation>Nombre cambiado a «{title}».</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>Eliminar la conversación</translation>
    </message>
    <message>
        <source>Delete the conversation “{title}” and all its messages? They are erased from this computer and cannot be recovered.</source>
        <translation>¿Eliminar la conversación «{title}» y todos sus mensajes? Se borran de este ordenador y no se podrán recuperar.</translation>
    </message>
    <message>
        <source>Conversation deleted.</source>
        <translation>Conversación eliminada.</translation>
    </message>
    <message>
        <source>Conversation exported to {path}</source>
        <translation>Conversación exportada a {path}</translation>
    </message>
    <message>
        <source>Export as Markdown</source>
        <translation>Exportar como Markdown</translation>
    </message>
    <message>
        <source>Export as PDF</source>
        <translation>Exportar como PDF</translation>
    </message>
</context>
<context>
    <name>ConversationListModel</name>
    <message>
        <source>{title}
Last message: {when}</source>
        <translation>{title}
Último mensaje: {when}</translation>
    </message>
</context>
<context>
    <name>ConversationPanel</name>
    <message>
        <source>Conversations</source>
        <translation>Conversaciones</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>Resultados de la búsqueda</translation>
    </message>
    <message>
        <source>No conversation matches.</source>
        <translation>Ninguna conversación coincide.</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>Nuevo chat</translation>
    </message>
    <message>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>Empezar una conversación nueva (Ctrl+N)</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>Buscar en las conversaciones</translation>
    </message>
    <message>
        <source>Search the titles and messages of all conversations (Ctrl+F)</source>
        <translation>Buscar en los títulos y mensajes de todas las conversaciones (Ctrl+F)</translation>
    </message>
    <message>
        <source>Conversation actions</source>
        <translation>Acciones de la conversación</translation>
    </message>
    <message>
        <source>Rename, delete or export the selected conversation</source>
        <translation>Cambiar el nombre, eliminar o exportar la conversación seleccionada</translation>
    </message>
    <message>
        <source>From the next answer: {preset}.</source>
        <translation>A partir de la próxima respuesta: {preset}.</translation>
    </message>
</context>
<context>
    <name>DocumentListModel</name>
    <message>
        <source>Indexed</source>
        <translation>Indexado</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Omitido</translation>
    </message>
    <message>
        <source>Not finished</source>
        <translation>Sin terminar</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelado</translation>
    </message>
    <message>
        <source>{count} page</source>
        <translation>{count} página</translation>
    </message>
    <message>
        <source>{count} pages</source>
        <translation>{count} páginas</translation>
    </message>
    <message>
        <source>{count} passage</source>
        <translation>{count} fragmento</translation>
    </message>
    <message>
        <source>{count} passages</source>
        <translation>{count} fragmentos</translation>
    </message>
    <message>
        <source>{status}: {reason}</source>
        <translation>{status}: {reason}</translation>
    </message>
</context>
<context>
    <name>DocumentTasks</name>
    <message>
        <source>Summarise…</source>
        <translation>Resumir…</translation>
    </message>
    <message>
        <source>Extract into a table…</source>
        <translation>Extraer a una tabla…</translation>
    </message>
    <message>
        <source>Compare with…</source>
        <translation>Comparar con…</translation>
    </message>
    <message>
        <source>Translate…</source>
        <translation>Traducir…</translation>
    </message>
    <message>
        <source>Summarise {name}</source>
        <translation>Resumir {name}</translation>
    </message>
    <message>
        <source>Extract {fields} from {name}</source>
        <translation>Extraer {fields} de {name}</translation>
    </message>
    <message>
        <source>Compare {old} with {new}</source>
        <translation>Comparar {old} con {new}</translation>
    </message>
    <message>
        <source>English</source>
        <translation>inglés</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>español</translation>
    </message>
    <message>
        <source>Translate {name} into {language}</source>
        <translation>Traducir {name} al {language}</translation>
    </message>
    <message>
        <source>, pages {pages}</source>
        <translation>, páginas {pages}</translation>
    </message>
</context>
<context>
    <name>DocumentsDock</name>
    <message>
        <source>Documents</source>
        <translation>Documentos</translation>
    </message>
</context>
<context>
    <name>DocumentsPanel</name>
    <message>
        <source>No documents in this library yet.
Drop files or folders anywhere on the window, or press Add files…</source>
        <translation>Todavía no hay documentos en esta biblioteca.
Arrastra archivos o carpetas a cualquier parte de la ventana, o pulsa Añadir archivos…</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>Biblioteca</translation>
    </message>
    <message>
        <source>The document library shown here, and that answers use</source>
        <translation>La biblioteca de documentos que se muestra aquí y que usan las respuestas</translation>
    </message>
    <message>
        <source>Documents in the library</source>
        <translation>Documentos de la biblioteca</translation>
    </message>
    <message>
        <source>Add files…</source>
        <translation>Añadir archivos…</translation>
    </message>
    <message>
        <source>Add documents to this library</source>
        <translation>Añadir documentos a esta biblioteca</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Añadir carpeta…</translation>
    </message>
    <message>
        <source>Add every document in a folder and its subfolders</source>
        <translation>Añadir todos los documentos de una carpeta y sus subcarpetas</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Take the selected files out of the library</source>
        <translation>Quitar de la biblioteca los archivos seleccionados</translation>
    </message>
    <message>
        <source>Re-index</source>
        <translation>Reindexar</translation>
    </message>
    <message>
        <source>Read every file of this library again; forget files that are gone</source>
        <translation>Volver a leer todos los archivos de esta biblioteca; olvidar los que ya no están</translation>
    </message>
    <message>
        <source>Last indexing result</source>
        <translation>Resultado de la última indexación</translation>
    </message>
    <message>
        <source>New library…</source>
        <translation>Nueva biblioteca…</translation>
    </message>
    <message>
        <source>Delete this library…</source>
        <translation>Eliminar esta biblioteca…</translation>
    </message>
    <message>
        <source>New library</source>
        <translation>Nueva biblioteca</translation>
    </message>
    <message>
        <source>Name of the new library (files you add to it are kept apart from the others):</source>
        <translation>Nombre de la nueva biblioteca (los archivos que le añadas se guardan aparte de los demás):</translation>
    </message>
    <message>
        <source>Delete library</source>
        <translation>Eliminar la biblioteca</translation>
    </message>
    <message>
        <source>Delete the library “{library}”? Confidente forgets its {count} documents and everything indexed from them. The files themselves stay where they are on your disk.</source>
        <translation>¿Eliminar la biblioteca «{library}»? Confidente olvida sus {count} documentos y todo lo que se indexó de ellos. Los archivos en sí se quedan donde están en tu disco.</translation>
    </message>
    <message>
        <source>Add documents</source>
        <translation>Añadir documentos</translation>
    </message>
    <message>
        <source>Documents (*.pdf *.docx *.txt *.md *.markdown *.html *.htm *.csv *.rst)</source>
        <translation>Documentos (*.pdf *.docx *.txt *.md *.markdown *.html *.htm *.csv *.rst)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Add a folder of documents</source>
        <translation>Añadir una carpeta de documentos</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelando…</translation>
    </message>
</context>
<context>
    <name>DownloadRow</name>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Stop for now; the part downloaded is kept for later</source>
        <translation>Parar por ahora; lo ya descargado se guarda para más tarde</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reanudar</translation>
    </message>
    <message>
        <source>Go on from where the download stopped</source>
        <translation>Seguir desde donde se detuvo la descarga</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Stop the download and delete the part downloaded</source>
        <translation>Detener la descarga y borrar lo ya descargado</translation>
    </message>
    <message>
        <source>Pause the download of {label}</source>
        <translation>Pausar la descarga de {label}</translation>
    </message>
    <message>
        <source>Resume the download of {label}</source>
        <translation>Reanudar la descarga de {label}</translation>
    </message>
    <message>
        <source>Cancel the download of {label}</source>
        <translation>Cancelar la descarga de {label}</translation>
    </message>
    <message>
        <source>Download of {label}</source>
        <translation>Descarga de {label}</translation>
    </message>
</context>
<context>
    <name>EmbedderTableModel</name>
    <message>
        <source>English</source>
        <translation>inglés</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>español</translation>
    </message>
    <message>
        <source> and </source>
        <translation> y </translation>
    </message>
    <message>
        <source>{count} languages, Spanish included</source>
        <translation>{count} idiomas, español incluido</translation>
    </message>
    <message>
        <source>{count} languages</source>
        <translation>{count} idiomas</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Languages</source>
        <translation>Idiomas</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>{name} (built in)</source>
        <translation>{name} (integrado)</translation>
    </message>
    <message>
        <source>In use for new libraries</source>
        <translation>En uso para bibliotecas nuevas</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>Instalado</translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>Descargando…</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Reanudar</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Descargar</translation>
    </message>
    <message>
        <source>The languages the model was trained to read</source>
        <translation>Los idiomas que el modelo aprendió a leer</translation>
    </message>
    <message>
        <source>Language codes:</source>
        <translation>Códigos de idioma:</translation>
    </message>
    <message>
        <source>{name}, in use for new libraries</source>
        <translation>{name}, en uso para bibliotecas nuevas</translation>
    </message>
    <message>
        <source>Ships with Confidente. Reads English well; other languages less so.</source>
        <translation>Viene con Confidente. Lee bien el inglés; otros idiomas, peor.</translation>
    </message>
    <message>
        <source>Reads the first {tokens} tokens of each passage.</source>
        <translation>Lee los primeros {tokens} tokens de cada fragmento.</translation>
    </message>
    <message>
        <source>Licence: {licence}</source>
        <translation>Licencia: {licence}</translation>
    </message>
</context>
<context>
    <name>EmbeddersController</name>
    <message>
        <source>Switching the embedding model to {name}…</source>
        <translation>Cambiando el modelo de embeddings a {name}…</translation>
    </message>
    <message>
        <source>New libraries now use {name}.</source>
        <translation>Las bibliotecas nuevas usan ahora {name}.</translation>
    </message>
    <message>
        <source>{name} removed and its folder deleted.</source>
        <translation>Se ha quitado {name} y se ha borrado su carpeta.</translation>
    </message>
</context>
<context>
    <name>EmbeddersPage</name>
    <message>
        <source>Embedding models</source>
        <translation>Modelos de embeddings</translation>
    </message>
    <message>
        <source>Embedding models let a question find the passages of your documents that answer it. The built-in one reads English; for documents in Spanish or in several languages, a multilingual model finds more. Hover over a name to read more.</source>
        <translation>Los modelos de embeddings permiten que una pregunta encuentre los fragmentos de tus documentos que la responden. El integrado lee inglés; para documentos en español o en varios idiomas, un modelo multilingüe encuentra más. Pasa el ratón sobre un nombre para saber más.</translation>
    </message>
    <message>
        <source>New libraries are indexed with the model in use. A library keeps the model it was indexed with until you re-index it (Re-index, in the Documents pane).</source>
        <translation>Las bibliotecas nuevas se indexan con el modelo en uso. Una biblioteca conserva el modelo con el que se indexó hasta que la reindexas (Reindexar, en el panel Documentos).</translation>
    </message>
    <message>
        <source>Use for new libraries</source>
        <translation>Usar para bibliotecas nuevas</translation>
    </message>
    <message>
        <source>Index new libraries, and libraries you re-index, with the selected model</source>
        <translation>Indexar con el modelo seleccionado las bibliotecas nuevas y las que reindexes</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Delete the selected downloaded model from your disk</source>
        <translation>Borrar del disco el modelo descargado seleccionado</translation>
    </message>
    <message>
        <source>In use for new libraries: {name} (not one of the models listed).</source>
        <translation>En uso para bibliotecas nuevas: {name} (no es ninguno de los modelos de la lista).</translation>
    </message>
    <message>
        <source>The built-in model ships with Confidente and cannot be removed</source>
        <translation>El modelo integrado viene con Confidente y no se puede quitar</translation>
    </message>
    <message>
        <source>The model in use cannot be removed; use another one first</source>
        <translation>El modelo en uso no se puede quitar; usa antes otro</translation>
    </message>
    <message>
        <source>Remove embedding model</source>
        <translation>Quitar el modelo de embeddings</translation>
    </message>
    <message>
        <source>Remove {name}? Its folder ({size}) is deleted from your disk. A library indexed with it cannot be searched until you re-index it with another model. You can download it again later.</source>
        <translation>¿Quitar {name}? Su carpeta ({size}) se borra del disco. Una biblioteca indexada con él no se podrá consultar hasta que la reindexes con otro modelo. Puedes volver a descargarlo más adelante.</translation>
    </message>
    <message>
        <source>Delete the model</source>
        <translation>Borrar el modelo</translation>
    </message>
</context>
<context>
    <name>ErrorReporter</name>
    <message>
        <source>Something went wrong inside Confidente. Your conversations are saved. If it happens again, copy the report below and send it to the developers.</source>
        <translation>Algo ha fallado dentro de Confidente. Tus conversaciones están guardadas. Si vuelve a pasar, copia el informe de abajo y envíaselo a los desarrolladores.</translation>
    </message>
    <message>
        <source>This happened {count} times.</source>
        <translation>Esto ha pasado {count} veces.</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Error</translation>
    </message>
    <message>
        <source>Copy report</source>
        <translation>Copiar el informe</translation>
    </message>
</context>
<context>
    <name>ExtractDialog</name>
    <message>
        <source>Contract</source>
        <translation>Contrato</translation>
    </message>
    <message>
        <source>Clinical guideline</source>
        <translation>Guía clínica</translation>
    </message>
    <message>
        <source>Lab report</source>
        <translation>Informe de laboratorio</translation>
    </message>
    <message>
        <source>Template:</source>
        <translation>Plantilla:</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Plantilla</translation>
    </message>
    <message>
        <source>Fields:</source>
        <translation>Campos:</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>Campos</translation>
    </message>
    <message>
        <source>comma-separated, e.g. parties, dates</source>
        <translation>separados por comas, p. ej. partes, fechas</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Personalizada</translation>
    </message>
    <message>
        <source>Name at least one field, or pick a template.</source>
        <translation>Indique al menos un campo, o elija una plantilla.</translation>
    </message>
</context>
<context>
    <name>IngestProgressBox</name>
    <message>
        <source>reading</source>
        <translation>leyendo</translation>
    </message>
    <message>
        <source>embedding</source>
        <translation>calculando embeddings</translation>
    </message>
    <message>
        <source>saving</source>
        <translation>guardando</translation>
    </message>
    <message>
        <source>done</source>
        <translation>terminado</translation>
    </message>
    <message>
        <source>File being indexed</source>
        <translation>Archivo que se está indexando</translation>
    </message>
    <message>
        <source>Progress of this file</source>
        <translation>Progreso de este archivo</translation>
    </message>
    <message>
        <source>Indexing progress</source>
        <translation>Progreso de la indexación</translation>
    </message>
    <message>
        <source>Files indexed</source>
        <translation>Archivos indexados</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Cancel indexing</source>
        <translation>Cancelar la indexación</translation>
    </message>
    <message>
        <source>Stop indexing; files already done stay in the library</source>
        <translation>Detener la indexación; los archivos ya terminados se quedan en la biblioteca</translation>
    </message>
    <message>
        <source>{done} of {total} file</source>
        <translation>{done} de {total} archivo</translation>
    </message>
    <message>
        <source>{done} of {total} files</source>
        <translation>{done} de {total} archivos</translation>
    </message>
    <message>
        <source> · {speed} pages/s</source>
        <translation> · {speed} páginas/s</translation>
    </message>
</context>
<context>
    <name>InstalledTableModel</name>
    <message>
        <source>Starter (ships with Confidente)</source>
        <translation>Inicial (incluido con Confidente)</translation>
    </message>
    <message>
        <source>Downloaded</source>
        <translation>Descargado</translation>
    </message>
    <message>
        <source>Your file</source>
        <translation>Tu archivo</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Origen</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Tamaño</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>no está</translation>
    </message>
    <message>
        <source>In use for chats and answers.</source>
        <translation>En uso para los chats y las respuestas.</translation>
    </message>
    <message>
        <source>The file is no longer there.</source>
        <translation>El archivo ya no está.</translation>
    </message>
    <message>
        <source>{name}, in use</source>
        <translation>{name}, en uso</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>en</source>
        <comment>the code of the language translated into: es for Spanish</comment>
        <translation>es</translation>
    </message>
</context>
<context>
    <name>LibraryController</name>
    <message>
        <source> The Documents pane says why some files were not read.</source>
        <translation> El panel Documentos indica por qué no se han leído algunos archivos.</translation>
    </message>
    <message>
        <source>This is a folder, not a document. To read every document in it, use Add folder… in the Documents pane.</source>
        <translation>Esto es una carpeta, no un documento. Para leer todos los documentos que contiene, usa Añadir carpeta… en el panel Documentos.</translation>
    </message>
    <message>
        <source>{count} indexed</source>
        <comment>one file</comment>
        <translation>{count} indexado</translation>
    </message>
    <message>
        <source>{count} indexed</source>
        <comment>more than one file</comment>
        <translation>{count} indexados</translation>
    </message>
    <message>
        <source>{count} unchanged</source>
        <comment>one file</comment>
        <translation>{count} sin cambios</translation>
    </message>
    <message>
        <source>{count} unchanged</source>
        <comment>more than one file</comment>
        <translation>{count} sin cambios</translation>
    </message>
    <message>
        <source>{count} removed</source>
        <comment>one file</comment>
        <translation>{count} quitado</translation>
    </message>
    <message>
        <source>{count} removed</source>
        <comment>more than one file</comment>
        <translation>{count} quitados</translation>
    </message>
    <message>
        <source>{count} failed</source>
        <comment>one file</comment>
        <translation>{count} con error</translation>
    </message>
    <message>
        <source>{count} failed</source>
        <comment>more than one file</comment>
        <translation>{count} con errores</translation>
    </message>
    <message>
        <source>{count} skipped</source>
        <comment>one file</comment>
        <translation>{count} omitido</translation>
    </message>
    <message>
        <source>{count} skipped</source>
        <comment>more than one file</comment>
        <translation>{count} omitidos</translation>
    </message>
    <message>
        <source>{count} cancelled</source>
        <comment>one file</comment>
        <translation>{count} cancelado</translation>
    </message>
    <message>
        <source>{count} cancelled</source>
        <comment>more than one file</comment>
        <translation>{count} cancelados</translation>
    </message>
    <message>
        <source>no files found</source>
        <translation>no se ha encontrado ningún archivo</translation>
    </message>
    <message>
        <source>Documents in “{library}”: {counts}.</source>
        <translation>Documentos en «{library}»: {counts}.</translation>
    </message>
    <message>
        <source> 1 page read in {seconds} s ({speed} pages/s).</source>
        <translation> 1 página leída en {seconds} s ({speed} páginas/s).</translation>
    </message>
    <message>
        <source> {pages} pages read in {seconds} s ({speed} pages/s).</source>
        <translation> {pages} páginas leídas en {seconds} s ({speed} páginas/s).</translation>
    </message>
    <message>
        <source>Adding {count} item to “{library}”…</source>
        <translation>Añadiendo {count} elemento a «{library}»…</translation>
    </message>
    <message>
        <source>Adding {count} items to “{library}”…</source>
        <translation>Añadiendo {count} elementos a «{library}»…</translation>
    </message>
    <message>
        <source>Removing {count} file…</source>
        <translation>Quitando {count} archivo…</translation>
    </message>
    <message>
        <source>Removing {count} files…</source>
        <translation>Quitando {count} archivos…</translation>
    </message>
    <message>
        <source>Re-indexing “{library}”…</source>
        <translation>Reindexando «{library}»…</translation>
    </message>
    <message>
        <source>Deleting the library “{library}”…</source>
        <translation>Eliminando la biblioteca «{library}»…</translation>
    </message>
    <message>
        <source>Indexing “{library}”: {progress}</source>
        <translation>Indexando «{library}»: {progress}</translation>
    </message>
    <message>
        <source>The library “{library}” was deleted ({count} documents).</source>
        <translation>Se ha eliminado la biblioteca «{library}» ({count} documentos).</translation>
    </message>
    <message>
        <source>Documents in “{library}”: {error}</source>
        <translation>Documentos en «{library}»: {error}</translation>
    </message>
    <message>
        <source>Waiting for the next job…</source>
        <translation>Esperando a la siguiente tarea…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Links are not opened from Confidente: {url}</source>
        <translation>Los enlaces no se abren desde Confidente: {url}</translation>
    </message>
    <message>
        <source>Not everything could be erased</source>
        <translation>No se pudo borrar todo</translation>
    </message>
    <message>
        <source>All your Confidente data was erased. Confidente will now close.</source>
        <translation>Se han borrado todos tus datos de Confidente. Confidente se cerrará ahora.</translation>
    </message>
    <message>
        <source>Confidente cannot start</source>
        <translation>Confidente no puede arrancar</translation>
    </message>
</context>
<context>
    <name>Markdown</name>
    <message>
        <source>[image: {alt}]</source>
        <translation>[imagen: {alt}]</translation>
    </message>
</context>
<context>
    <name>MarkdownText</name>
    <message>
        <source>Not found in your documents: check this sentence against the sources.</source>
        <translation>No se ha encontrado en tus documentos: compara esta frase con las fuentes.</translation>
    </message>
    <message>
        <source>Copy code block</source>
        <translation>Copiar el bloque de código</translation>
    </message>
</context>
<context>
    <name>MessageBox</name>
    <message>
        <source>Message</source>
        <translation>Mensaje</translation>
    </message>
</context>
<context>
    <name>MessageView</name>
    <message>
        <source>You</source>
        <translation>Tú</translation>
    </message>
    <message>
        <source>Your message</source>
        <translation>Tu mensaje</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Respuesta</translation>
    </message>
    <message>
        <source>Sentences marked ⚠ were not found in your documents.</source>
        <translation>Las frases marcadas con ⚠ no se han encontrado en tus documentos.</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <source>Copy this message</source>
        <translation>Copiar este mensaje</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Editar</translation>
    </message>
    <message>
        <source>Edit this message and send it again</source>
        <translation>Editar este mensaje y volver a enviarlo</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Regenerar</translation>
    </message>
    <message>
        <source>Write a new answer</source>
        <translation>Escribir una respuesta nueva</translation>
    </message>
</context>
<context>
    <name>ModelBanner</name>
    <message>
        <source>Loading the model… You can write already: your message is sent as soon as it is ready.</source>
        <translation>Cargando el modelo… Ya puedes escribir: tu mensaje se envía en cuanto esté listo.</translation>
    </message>
    <message>
        <source>No model is loaded: {error}</source>
        <translation>No hay ningún modelo cargado: {error}</translation>
    </message>
    <message>
        <source>Model status</source>
        <translation>Estado del modelo</translation>
    </message>
    <message>
        <source>Retry loading</source>
        <translation>Reintentar la carga</translation>
    </message>
    <message>
        <source>Retry loading the model</source>
        <translation>Reintentar la carga del modelo</translation>
    </message>
</context>
<context>
    <name>ModelLoader</name>
    <message>
        <source>Write a message; it is sent once the model has loaded. Enter sends, Shift+Enter starts a new line.</source>
        <translation>Escribe un mensaje; se enviará cuando el modelo haya cargado. Intro envía, Mayús+Intro empieza una línea nueva.</translation>
    </message>
    <message>
        <source>Write a message. Enter sends, Shift+Enter starts a new line.</source>
        <translation>Escribe un mensaje. Intro envía, Mayús+Intro empieza una línea nueva.</translation>
    </message>
    <message>
        <source>No model is loaded: press “Retry loading” above.</source>
        <translation>No hay ningún modelo cargado: pulsa «Reintentar la carga» arriba.</translation>
    </message>
    <message>
        <source>{name} is ready.</source>
        <translation>{name} está listo.</translation>
    </message>
    <message>
        <source>Could not load the model</source>
        <translation>No se pudo cargar el modelo</translation>
    </message>
</context>
<context>
    <name>ModelTables</name>
    <message>
        <source>{size} so far</source>
        <translation>{size} hasta ahora</translation>
    </message>
    <message>
        <source>{done} of {total} {unit}</source>
        <translation>{done} de {total} {unit}</translation>
    </message>
    <message>
        <source>Connecting to Hugging Face…</source>
        <translation>Conectando con Hugging Face…</translation>
    </message>
    <message>
        <source>Checking the file’s SHA-256… {percent} %</source>
        <translation>Comprobando el SHA-256 del archivo… {percent} %</translation>
    </message>
    <message>
        <source>{duration} left</source>
        <translation>quedan {duration}</translation>
    </message>
    <message>
        <source>{total} memory ({free} free)</source>
        <translation>{total} de memoria ({free} libres)</translation>
    </message>
    <message>
        <source>{n} core</source>
        <translation>{n} núcleo</translation>
    </message>
    <message>
        <source>{n} cores</source>
        <translation>{n} núcleos</translation>
    </message>
    <message>
        <source>GPU: {name}, {free} of {total} free</source>
        <translation>GPU: {name}, {free} libres de {total}</translation>
    </message>
    <message>
        <source>GPU offload available</source>
        <translation>Descarga en la GPU disponible</translation>
    </message>
    <message>
        <source>{name} found, but no GPU offload in this build</source>
        <translation>Se ha encontrado {name}, pero esta compilación no descarga trabajo en la GPU</translation>
    </message>
    <message>
        <source>no GPU offload</source>
        <translation>sin descarga en la GPU</translation>
    </message>
    <message>
        <source>This computer: {parts}</source>
        <translation>Este ordenador: {parts}</translation>
    </message>
</context>
<context>
    <name>ModelsController</name>
    <message>
        <source>Reading the list of models…</source>
        <translation>Leyendo la lista de modelos…</translation>
    </message>
    <message>
        <source>Checking {name}…</source>
        <translation>Comprobando {name}…</translation>
    </message>
    <message>
        <source>Checking {name} before switching to it…</source>
        <translation>Comprobando {name} antes de cambiar a él…</translation>
    </message>
    <message>
        <source>The list of models could not be read.</source>
        <translation>No se pudo leer la lista de modelos.</translation>
    </message>
    <message>
        <source>Paused at {amount}</source>
        <translation>En pausa: {amount}</translation>
    </message>
    <message>
        <source>Waiting for the download before it…</source>
        <translation>Esperando a que termine la descarga anterior…</translation>
    </message>
    <message>
        <source>Pausing…</source>
        <translation>Pausando…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelando…</translation>
    </message>
    <message>
        <source>Deleting the partial file…</source>
        <translation>Borrando el archivo parcial…</translation>
    </message>
    <message>
        <source>Download of {label} cancelled.</source>
        <translation>Descarga de {label} cancelada.</translation>
    </message>
    <message>
        <source>{label} downloaded and checked.</source>
        <translation>{label} descargado y comprobado.</translation>
    </message>
    <message>
        <source>Stopped: {error}</source>
        <translation>Detenida: {error}</translation>
    </message>
    <message>
        <source>Stopped by an error.</source>
        <translation>Detenida por un error.</translation>
    </message>
    <message>
        <source>Download of {label} paused.</source>
        <translation>Descarga de {label} en pausa.</translation>
    </message>
    <message>
        <source>{name} was added to your models.</source>
        <translation>{name} se ha añadido a tus modelos.</translation>
    </message>
    <message>
        <source>Switching to {name}…</source>
        <translation>Cambiando a {name}…</translation>
    </message>
    <message>
        <source>{name} removed and its file deleted.</source>
        <translation>{name} quitado y su archivo borrado.</translation>
    </message>
    <message>
        <source>{name} removed from the list; its file stays at {path}.</source>
        <translation>{name} quitado de la lista; su archivo sigue en {path}.</translation>
    </message>
    <message>
        <source>Hugging Face token removed.</source>
        <translation>Token de Hugging Face eliminado.</translation>
    </message>
    <message>
        <source>No token was stored.</source>
        <translation>No había ningún token guardado.</translation>
    </message>
    <message>
        <source>Hugging Face token saved in the OS keychain.</source>
        <translation>Token de Hugging Face guardado en el llavero del sistema.</translation>
    </message>
</context>
<context>
    <name>ModelsDialog</name>
    <message>
        <source>Models</source>
        <translation>Modelos</translation>
    </message>
    <message>
        <source>Models status</source>
        <translation>Estado de los modelos</translation>
    </message>
    <message>
        <source>This computer: …</source>
        <translation>Este ordenador: …</translation>
    </message>
    <message>
        <source>This computer</source>
        <translation>Este ordenador</translation>
    </message>
    <message>
        <source>Hugging Face token…</source>
        <translation>Token de Hugging Face…</translation>
    </message>
    <message>
        <source>Hugging Face token</source>
        <translation>Token de Hugging Face</translation>
    </message>
    <message>
        <source>An access token for gated models, kept in the OS keychain only</source>
        <translation>Un token de acceso para los modelos de acceso restringido, guardado solo en el llavero del sistema</translation>
    </message>
    <message>
        <source>Installed models</source>
        <translation>Modelos instalados</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>Usar</translation>
    </message>
    <message>
        <source>Chat and answer with the selected model</source>
        <translation>Chatear y responder con el modelo seleccionado</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Take the selected model off the list</source>
        <translation>Quitar de la lista el modelo seleccionado</translation>
    </message>
    <message>
        <source>Add a .gguf file…</source>
        <translation>Añadir un archivo .gguf…</translation>
    </message>
    <message>
        <source>Use a GGUF model file from this computer, where it is</source>
        <translation>Usar un archivo de modelo GGUF de este ordenador, allí donde está</translation>
    </message>
    <message>
        <source>Model lists</source>
        <translation>Listas de modelos</translation>
    </message>
    <message>
        <source>&amp;Installed</source>
        <translation>&amp;Instalados</translation>
    </message>
    <message>
        <source>Recommended models</source>
        <translation>Modelos recomendados</translation>
    </message>
    <message>
        <source>Downloading…</source>
        <translation>Descargando…</translation>
    </message>
    <message>
        <source>Instruction-tuned models that run on a laptop, downloaded from Hugging Face and checked against their published SHA-256. Hover over a fit to see why.</source>
        <translation>Modelos ajustados para seguir instrucciones que funcionan en un portátil, descargados de Hugging Face y comprobados con su SHA-256 publicado. Pasa el ratón por encima del ajuste para ver el motivo.</translation>
    </message>
    <message>
        <source>&amp;Catalog</source>
        <translation>&amp;Catálogo</translation>
    </message>
    <message>
        <source>&amp;Embedding models (for documents)</source>
        <translation>Modelos de &amp;embeddings (para documentos)</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>Descargas</translation>
    </message>
    <message>
        <source>In use: {path} (not one of the models listed).</source>
        <translation>En uso: {path} (no es ninguno de los modelos de la lista).</translation>
    </message>
    <message>
        <source>Take the model off the list and delete its file</source>
        <translation>Quitar el modelo de la lista y borrar su archivo</translation>
    </message>
    <message>
        <source>Take the model off the list; the file stays</source>
        <translation>Quitar el modelo de la lista; el archivo se queda</translation>
    </message>
    <message>
        <source>Downloaded and added models can be removed; not the one in use</source>
        <translation>Se pueden quitar los modelos descargados y añadidos, pero no el que está en uso</translation>
    </message>
    <message>
        <source>Remove {name}? Its file ({size}) is deleted from your disk:
{path}
You can download it again later.</source>
        <translation>¿Quitar {name}? Su archivo ({size}) se borra del disco:
{path}
Podrás volver a descargarlo más tarde.</translation>
    </message>
    <message>
        <source>Delete the file</source>
        <translation>Borrar el archivo</translation>
    </message>
    <message>
        <source>Remove {name} from the list? Confidente only forgets it: the file stays where it is:
{path}</source>
        <translation>¿Quitar {name} de la lista? Confidente solo lo olvida: el archivo se queda donde está:
{path}</translation>
    </message>
    <message>
        <source>Forget it</source>
        <translation>Olvidarlo</translation>
    </message>
    <message>
        <source>Remove model</source>
        <translation>Quitar el modelo</translation>
    </message>
    <message>
        <source>Add a model file</source>
        <translation>Añadir un archivo de modelo</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>Modelos GGUF (*.gguf)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Todos los archivos (*)</translation>
    </message>
    <message>
        <source>Download anyway?</source>
        <translation>¿Descargarlo de todos modos?</translation>
    </message>
    <message>
        <source>{name} will probably not run on this computer: {reason}.</source>
        <translation>Probablemente {name} no funcionará en este ordenador: {reason}.</translation>
    </message>
    <message>
        <source>Download anyway</source>
        <translation>Descargar de todos modos</translation>
    </message>
    <message>
        <source>the OS keychain</source>
        <translation>el llavero del sistema</translation>
    </message>
    <message>
        <source>the OS keychain ({keychain})</source>
        <translation>el llavero del sistema ({keychain})</translation>
    </message>
    <message>
        <source>A token is stored; leave this empty and press OK to remove it.</source>
        <translation>Hay un token guardado; deja esto vacío y pulsa Aceptar para eliminarlo.</translation>
    </message>
    <message>
        <source>No token is stored.</source>
        <translation>No hay ningún token guardado.</translation>
    </message>
    <message>
        <source>Gated models need an access token from huggingface.co (Settings → Access Tokens). It is kept in {where} and nowhere else.
{now}</source>
        <translation>Los modelos de acceso restringido necesitan un token de acceso de huggingface.co (Settings → Access Tokens). Se guarda en {where} y en ningún otro sitio.
{now}</translation>
    </message>
</context>
<context>
    <name>ModelsDialogController</name>
    <message>
        <source>{name} is a model file, not a document, so it was not indexed: it is being checked to be added to your models.</source>
        <translation>{name} es un archivo de modelo, no un documento, así que no se ha indexado: se está comprobando para añadirlo a tus modelos.</translation>
    </message>
    <message>
        <source>{name} is already the model in use.</source>
        <translation>{name} ya es el modelo en uso.</translation>
    </message>
    <message>
        <source>{name} was downloaded and is ready to use. Chat and answer with it now?</source>
        <translation>{name} se ha descargado y está listo para usarse. ¿Chatear y responder con él ahora?</translation>
    </message>
    <message>
        <source>{name} was added and is ready to use. Chat and answer with it now?</source>
        <translation>{name} se ha añadido y está listo para usarse. ¿Chatear y responder con él ahora?</translation>
    </message>
    <message>
        <source>Use the new model?</source>
        <translation>¿Usar el modelo nuevo?</translation>
    </message>
    <message>
        <source>Use it now</source>
        <translation>Usarlo ahora</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Ahora no</translation>
    </message>
    <message>
        <source>{name} is already the embedding model in use.</source>
        <translation>{name} ya es el modelo de embeddings en uso.</translation>
    </message>
    <message>
        <source>Use the new embedding model?</source>
        <translation>¿Usar el nuevo modelo de embeddings?</translation>
    </message>
    <message>
        <source>{name} was downloaded and is ready. Index new libraries, and libraries you re-index, with it?</source>
        <translation>{name} se ha descargado y está listo. ¿Indexar con él las bibliotecas nuevas y las que reindexes?</translation>
    </message>
    <message>
        <source>Use it</source>
        <translation>Usarlo</translation>
    </message>
    <message>
        <source>something went wrong inside.</source>
        <translation>algo ha fallado internamente.</translation>
    </message>
    <message>
        <source>{name} was not added to your models: {reason}</source>
        <translation>{name} no se ha añadido a tus modelos: {reason}</translation>
    </message>
    <message>
        <source>Model not added</source>
        <translation>Modelo no añadido</translation>
    </message>
</context>
<context>
    <name>PassphraseDialog</name>
    <message>
        <source>Use at least 8 characters.</source>
        <translation>Usa al menos 8 caracteres.</translation>
    </message>
    <message>
        <source>That passphrase does not open your data. Try again.</source>
        <translation>Esa frase de contraseña no abre tus datos. Inténtalo de nuevo.</translation>
    </message>
    <message>
        <source>Your passphrase</source>
        <translation>Tu frase de contraseña</translation>
    </message>
    <message>
        <source>Your conversations and documents are kept encrypted. There is no keychain on this computer to hold their key, so choose a passphrase (at least {n} characters). You will type it each time Confidente starts. Without it your data cannot be read, and nobody can recover it: keep it safe.</source>
        <translation>Tus conversaciones y documentos se guardan cifrados. Este ordenador no tiene un llavero del sistema que guarde su clave, así que elige una frase de contraseña (al menos {n} caracteres). La escribirás cada vez que se inicie Confidente. Sin ella tus datos no se pueden leer, y nadie puede recuperarla: guárdala bien.</translation>
    </message>
    <message>
        <source>Your conversations and documents are encrypted with your passphrase. Type it to open them.</source>
        <translation>Tus conversaciones y documentos están cifrados con tu frase de contraseña. Escríbela para abrirlos.</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>Frase de contraseña</translation>
    </message>
    <message>
        <source>The same passphrase again</source>
        <translation>La misma frase de contraseña otra vez</translation>
    </message>
    <message>
        <source>Passphrase:</source>
        <translation>Frase de contraseña:</translation>
    </message>
    <message>
        <source>Again:</source>
        <translation>Otra vez:</translation>
    </message>
    <message>
        <source>The two passphrases differ. Type them again.</source>
        <translation>Las dos frases de contraseña no coinciden. Escríbelas de nuevo.</translation>
    </message>
</context>
<context>
    <name>PdfPageView</name>
    <message>
        <source>This page could not be drawn.</source>
        <translation>No se ha podido dibujar esta página.</translation>
    </message>
</context>
<context>
    <name>QuoteText</name>
    <message>
        <source>{where}
Open this passage</source>
        <translation>{where}
Abrir este fragmento</translation>
    </message>
    <message>
        <source>Quote from source {n}: {text}</source>
        <translation>Cita de la fuente {n}: {text}</translation>
    </message>
</context>
<context>
    <name>QuotesView</name>
    <message>
        <source>Quotes from your documents</source>
        <translation>Citas de tus documentos</translation>
    </message>
    <message>
        <source>From your documents</source>
        <translation>De tus documentos</translation>
    </message>
</context>
<context>
    <name>ReindexOffer</name>
    <message>
        <source>“{library}” already uses {name}: there is nothing to re-index.</source>
        <translation>«{library}» ya usa {name}: no hay nada que reindexar.</translation>
    </message>
    <message>
        <source>Re-index the library?</source>
        <translation>¿Reindexar la biblioteca?</translation>
    </message>
    <message>
        <source>New libraries now use {name}. The library “{library}” keeps the embedding model it was indexed with until it is re-indexed, which reads every file again and can take a while. Re-index “{library}” now?</source>
        <translation>Las bibliotecas nuevas usan ahora {name}. La biblioteca «{library}» conserva el modelo de embeddings con el que se indexó hasta que se reindexe, lo que vuelve a leer todos sus archivos y puede tardar un rato. ¿Reindexar «{library}» ahora?</translation>
    </message>
    <message>
        <source>Re-index now</source>
        <translation>Reindexar ahora</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Más tarde</translation>
    </message>
</context>
<context>
    <name>SearchHitModel</name>
    <message>
        <source>{title} (title)</source>
        <translation>{title} (título)</translation>
    </message>
    <message>
        <source>You</source>
        <translation>Tú</translation>
    </message>
</context>
<context>
    <name>SettingsController</name>
    <message>
        <source>Erase all my data</source>
        <translation>Borrar todos mis datos</translation>
    </message>
    <message>
        <source>Erase all your Confidente data?</source>
        <translation>¿Borrar todos tus datos de Confidente?</translation>
    </message>
    <message>
        <source>Your conversations, document libraries, settings, the models Confidente downloaded and its keys in the keychain will be deleted for good, and Confidente will close. Your own files stay where they are. This cannot be undone.</source>
        <translation>Se borrarán para siempre tus conversaciones, bibliotecas de documentos, ajustes, los modelos que descargó Confidente y sus claves en el llavero, y Confidente se cerrará. Tus propios archivos se quedan donde están. No se puede deshacer.</translation>
    </message>
    <message>
        <source>Erase everything</source>
        <translation>Borrarlo todo</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>The starter model (Gemma 3 270M)</source>
        <translation>El modelo inicial (Gemma 3 270M)</translation>
    </message>
    <message>
        <source>Built in (all-MiniLM-L6-v2)</source>
        <translation>Integrado (all-MiniLM-L6-v2)</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Igual que el sistema</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Claro</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Oscuro</translation>
    </message>
    <message>
        <source>Changing these loads the model again when you press OK or Apply.</source>
        <translation>Si cambias estos valores, el modelo se vuelve a cargar al pulsar Aceptar o Aplicar.</translation>
    </message>
    <message>
        <source>These apply from the next answer.</source>
        <translation>Se aplican a partir de la próxima respuesta.</translation>
    </message>
    <message>
        <source>These apply to documents indexed from now on. To apply them to files already in a library, press Re-index in the Documents pane.</source>
        <translation>Se aplican a los documentos que se indexen a partir de ahora. Para aplicarlos a los archivos que ya están en una biblioteca, pulsa Reindexar en el panel Documentos.</translation>
    </message>
    <message>
        <source>Not saved: </source>
        <translation>No se ha guardado: </translation>
    </message>
    <message>
        <source>The model is loading again with the new settings.</source>
        <translation>El modelo se está volviendo a cargar con los nuevos ajustes.</translation>
    </message>
    <message>
        <source>The new document settings apply to files indexed from now on; re-index a library to apply them to its files.</source>
        <translation>Los nuevos ajustes de documentos se aplican a los archivos que se indexen a partir de ahora; reindexa una biblioteca para aplicarlos a sus archivos.</translation>
    </message>
    <message>
        <source>The new answer settings apply from the next answer.</source>
        <translation>Los nuevos ajustes de respuesta se aplican a partir de la próxima respuesta.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Ajustes</translation>
    </message>
    <message>
        <source>Settings pages</source>
        <translation>Páginas de ajustes</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modelo</translation>
    </message>
    <message>
        <source>A&amp;nswers</source>
        <translation>&amp;Respuestas</translation>
    </message>
    <message>
        <source>&amp;Documents</source>
        <translation>&amp;Documentos</translation>
    </message>
    <message>
        <source>Appea&amp;rance</source>
        <translation>Apari&amp;encia</translation>
    </message>
    <message>
        <source>&amp;Privacy</source>
        <translation>&amp;Privacidad</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problema</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>Aceptar</translation>
    </message>
    <message>
        <source>Use the new settings and close</source>
        <translation>Usar los nuevos ajustes y cerrar</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Aplicar</translation>
    </message>
    <message>
        <source>Use the new settings and keep this window open</source>
        <translation>Usar los nuevos ajustes y dejar esta ventana abierta</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Close without changing anything</source>
        <translation>Cerrar sin cambiar nada</translation>
    </message>
    <message>
        <source>Restore defaults</source>
        <translation>Restaurar los valores predeterminados</translation>
    </message>
    <message>
        <source>Put every value on every page back to its default (the model stays); nothing changes until you press OK or Apply</source>
        <translation>Devolver todos los valores de todas las páginas a su valor predeterminado (el modelo se mantiene); no cambia nada hasta que pulses Aceptar o Aplicar</translation>
    </message>
    <message>
        <source>Your conversations and documents are stored encrypted on this computer (AES-256), with the key in your system&apos;s keychain or made from your passphrase. Nothing is sent anywhere.</source>
        <translation>Tus conversaciones y documentos se guardan cifrados en este ordenador (AES-256), con la clave en el llavero del sistema o derivada de tu frase de contraseña. No se envía nada a ninguna parte.</translation>
    </message>
    <message>
        <source>&amp;Erase all my data…</source>
        <translation>&amp;Borrar todos mis datos…</translation>
    </message>
    <message>
        <source>Erase all my data</source>
        <translation>Borrar todos mis datos</translation>
    </message>
    <message>
        <source>Deletes your conversations, libraries, settings, the models Confidente downloaded and the keys it keeps in the keychain, then closes Confidente. Your own files are not touched.</source>
        <translation>Borra tus conversaciones, bibliotecas, ajustes, los modelos que descargó Confidente y las claves que guarda en el llavero, y después cierra Confidente. Tus propios archivos no se tocan.</translation>
    </message>
    <message>
        <source>Model file</source>
        <translation>Archivo del modelo</translation>
    </message>
    <message>
        <source>Choose models in Model → Models… (Ctrl+M).</source>
        <translation>Los modelos se eligen en Modelo → Modelos… (Ctrl+M).</translation>
    </message>
    <message>
        <source>All</source>
        <comment>GPU layers</comment>
        <translation>Todas</translation>
    </message>
    <message>
        <source>Layers of the model run on the graphics card. Auto: as many as fit in its free memory (none without a supported GPU). All: every layer. 0: the processor only.</source>
        <translation>Capas del modelo que se ejecutan en la tarjeta gráfica. Auto: tantas como quepan en su memoria libre (ninguna sin una GPU compatible). Todas: todas las capas. 0: solo el procesador.</translation>
    </message>
    <message>
        <source> tokens</source>
        <translation> tokens</translation>
    </message>
    <message>
        <source>How much text the model keeps in mind: the conversation, document excerpts and the answer. More needs more memory.</source>
        <translation>Cuánto texto tiene presente el modelo: la conversación, los fragmentos de documentos y la respuesta. Más necesita más memoria.</translation>
    </message>
    <message numerus="yes">
        <source>Auto (%n cores)</source>
        <translation>
            <numerusform>Auto (%n núcleo)</numerusform>
            <numerusform>Auto (%n núcleos)</numerusform>
        </translation>
    </message>
    <message>
        <source>Processor threads used by the model. Auto: one per physical core.</source>
        <translation>Hilos del procesador que usa el modelo. Auto: uno por núcleo físico.</translation>
    </message>
    <message>
        <source>Choose the folder of an embedding model</source>
        <translation>Elige la carpeta de un modelo de embeddings</translation>
    </message>
    <message>
        <source>“{folder}” does not hold a sentence-transformers model: such a folder has a modules.json or config.json file, the model&apos;s tokenizer and its weights. Choose the folder that holds them.</source>
        <translation>«{folder}» no contiene un modelo de sentence-transformers: una carpeta así tiene un archivo modules.json o config.json, el tokenizador del modelo y sus pesos. Elige la carpeta que los contiene.</translation>
    </message>
    <message>
        <source>Not an embedding model</source>
        <translation>No es un modelo de embeddings</translation>
    </message>
    <message>
        <source>Model &amp;file:</source>
        <translation>Arc&amp;hivo del modelo:</translation>
    </message>
    <message>
        <source>The theme, the language and the font size change at once.</source>
        <translation>El tema, el idioma y el tamaño de letra cambian al momento.</translation>
    </message>
    <message>
        <source>&amp;GPU layers:</source>
        <translation>Capas en la &amp;GPU:</translation>
    </message>
    <message>
        <source>Conte&amp;xt length:</source>
        <translation>Tamaño del conte&amp;xto:</translation>
    </message>
    <message>
        <source>&amp;Threads:</source>
        <translation>H&amp;ilos:</translation>
    </message>
    <message>
        <source>Lower: steadier, more literal answers. Higher: more varied.</source>
        <translation>Más baja: respuestas más estables y literales. Más alta: más variadas.</translation>
    </message>
    <message>
        <source>Only the likeliest words that together reach this share are used.</source>
        <translation>Solo se usan las palabras más probables que juntas alcanzan esta proporción.</translation>
    </message>
    <message>
        <source>Above 1, the model is discouraged from repeating itself.</source>
        <translation>Por encima de 1, se disuade al modelo de repetirse.</translation>
    </message>
    <message>
        <source>The longest answer, in tokens (about ¾ of a word each); less than the context.</source>
        <translation>La respuesta más larga, en tokens (unos ¾ de palabra cada uno); menos que el contexto.</translation>
    </message>
    <message>
        <source>Excerpts from your documents given to the model for each answer.</source>
        <translation>Fragmentos de tus documentos que se dan al modelo para cada respuesta.</translation>
    </message>
    <message>
        <source>&amp;Temperature:</source>
        <translation>&amp;Temperatura:</translation>
    </message>
    <message>
        <source>Top-&amp;p:</source>
        <translation>Top-&amp;p:</translation>
    </message>
    <message>
        <source>Repeat pena&amp;lty:</source>
        <translation>Penali&amp;zación por repetición:</translation>
    </message>
    <message>
        <source>Ma&amp;x tokens per answer:</source>
        <translation>Má&amp;x. tokens por respuesta:</translation>
    </message>
    <message>
        <source>&amp;Sources per document answer:</source>
        <translation>&amp;Fuentes por respuesta con documentos:</translation>
    </message>
    <message>
        <source>Choose a &amp;folder…</source>
        <translation>Ele&amp;gir una carpeta…</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>Elegir una carpeta</translation>
    </message>
    <message>
        <source>Use a sentence-transformers model from a folder on your computer</source>
        <translation>Usar un modelo de sentence-transformers de una carpeta de tu ordenador</translation>
    </message>
    <message>
        <source> characters</source>
        <translation> caracteres</translation>
    </message>
    <message>
        <source>How long the passages are that documents are cut into.</source>
        <translation>Longitud de los fragmentos en que se dividen los documentos.</translation>
    </message>
    <message>
        <source>Text repeated between neighbouring passages; at most half a passage.</source>
        <translation>Texto que se repite entre fragmentos contiguos; como mucho, medio fragmento.</translation>
    </message>
    <message>
        <source>Chunk si&amp;ze:</source>
        <translation>&amp;Tamaño de fragmento:</translation>
    </message>
    <message>
        <source>Chunk o&amp;verlap:</source>
        <translation>&amp;Solapamiento de fragmentos:</translation>
    </message>
    <message>
        <source>Light or dark colours, or the same as the system&apos;s</source>
        <translation>Colores claros u oscuros, o los mismos que el sistema</translation>
    </message>
    <message>
        <source>Auto ({size} pt)</source>
        <translation>Auto ({size} pt)</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Auto</translation>
    </message>
    <message>
        <source>The model that indexes documents, in new libraries and libraries you re-index</source>
        <translation>El modelo que indexa los documentos en las bibliotecas nuevas y en las que reindexes</translation>
    </message>
    <message>
        <source>Download embedding models in Model → Models… (Ctrl+M).</source>
        <translation>Los modelos de embeddings se descargan en Modelo → Modelos… (Ctrl+M).</translation>
    </message>
    <message>
        <source>&amp;Embedding model:</source>
        <translation>Modelo de &amp;embeddings:</translation>
    </message>
    <message>
        <source>The language of menus and messages</source>
        <translation>El idioma de los menús y los mensajes</translation>
    </message>
    <message>
        <source>The size of text everywhere in Confidente, in points</source>
        <translation>El tamaño del texto en todo Confidente, en puntos</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>&amp;Tema:</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Idioma:</translation>
    </message>
    <message>
        <source>&amp;Font size:</source>
        <translation>Tamaño de &amp;letra:</translation>
    </message>
</context>
<context>
    <name>SourceViewer</name>
    <message>
        <source>The file is no longer there: {path}</source>
        <translation>El archivo ya no está: {path}</translation>
    </message>
    <message>
        <source>This file cannot be opened as a PDF (it may be damaged, or have changed since it was indexed): {path}</source>
        <translation>Este archivo no se puede abrir como PDF (puede estar dañado o haber cambiado desde que se indexó): {path}</translation>
    </message>
    <message>
        <source>This PDF is protected by a password: {path}</source>
        <translation>Este PDF está protegido con contraseña: {path}</translation>
    </message>
    <message>
        <source>This PDF is protected in a way that cannot be opened here: {path}</source>
        <translation>Este PDF tiene una protección que no permite abrirlo aquí: {path}</translation>
    </message>
    <message>
        <source>The PDF reader crashed on this file: {path}</source>
        <translation>El lector de PDF falló con este archivo: {path}</translation>
    </message>
    <message>
        <source>This PDF cannot be opened: {path}</source>
        <translation>Este PDF no se puede abrir: {path}</translation>
    </message>
    <message>
        <source>The passage was not found in the file as it is now: it may have changed since it was indexed. Re-index the library to bring it up to date.</source>
        <translation>No se ha encontrado el fragmento en el archivo tal como está ahora: puede haber cambiado desde que se indexó. Reindexa la biblioteca para actualizarla.</translation>
    </message>
    <message>
        <source>The passage is on this page, but could not be highlighted.</source>
        <translation>El fragmento está en esta página, pero no se ha podido resaltar.</translation>
    </message>
    <message>
        <source>Loading page {page}…</source>
        <translation>Cargando la página {page}…</translation>
    </message>
    <message>
        <source>The file cannot be read ({reason}): {path}</source>
        <translation>No se puede leer el archivo ({reason}): {path}</translation>
    </message>
    <message>
        <source>This PDF is larger than {size} MB, too large to show here: {path}</source>
        <translation>Este PDF ocupa más de {size} MB, demasiado para mostrarlo aquí: {path}</translation>
    </message>
    <message>
        <source>This PDF took longer than {seconds} s to show, and was stopped: {path}</source>
        <translation>Este PDF tardó más de {seconds} s en mostrarse y se detuvo: {path}</translation>
    </message>
    <message>
        <source>This PDF needs more than the {size} of memory allowed for one file, or it is damaged: {path}</source>
        <translation>Este PDF necesita más de los {size} de memoria permitidos para un archivo, o está dañado: {path}</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Fuente</translation>
    </message>
    <message>
        <source>Zoom out (Ctrl+-)</source>
        <translation>Alejar (Ctrl+-)</translation>
    </message>
    <message>
        <source>Zoom in (Ctrl++)</source>
        <translation>Acercar (Ctrl++)</translation>
    </message>
    <message>
        <source>Fit the page to the width (Ctrl+0)</source>
        <translation>Ajustar la página al ancho (Ctrl+0)</translation>
    </message>
    <message>
        <source>Page {page} of {pages}</source>
        <translation>Página {page} de {pages}</translation>
    </message>
    <message>
        <source>Source viewer</source>
        <translation>Visor de fuentes</translation>
    </message>
    <message>
        <source>Note about the passage</source>
        <translation>Nota sobre el fragmento</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Mensaje</translation>
    </message>
    <message>
        <source>Document page</source>
        <translation>Página del documento</translation>
    </message>
    <message>
        <source>Document text</source>
        <translation>Texto del documento</translation>
    </message>
    <message>
        <source>Previous page (Ctrl+Page Up)</source>
        <translation>Página anterior (Ctrl+Re Pág)</translation>
    </message>
    <message>
        <source>Next page (Ctrl+Page Down)</source>
        <translation>Página siguiente (Ctrl+Av Pág)</translation>
    </message>
    <message>
        <source>page {page}</source>
        <translation>página {page}</translation>
    </message>
    <message>
        <source>Opening…</source>
        <translation>Abriendo…</translation>
    </message>
</context>
<context>
    <name>SourcesView</name>
    <message>
        <source>{name}, page {page}</source>
        <translation>{name}, página {page}</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>Fuentes</translation>
    </message>
    <message>
        <source>source removed</source>
        <translation>fuente eliminada</translation>
    </message>
    <message>
        <source>Source {n}: {where}</source>
        <translation>Fuente {n}: {where}</translation>
    </message>
    <message>
        <source>{path}
Open the passage</source>
        <translation>{path}
Abrir el fragmento</translation>
    </message>
    <message>
        <source>p. {page}</source>
        <translation>p. {page}</translation>
    </message>
</context>
<context>
    <name>SummariseDialog</name>
    <message>
        <source>Length:</source>
        <translation>Extensión:</translation>
    </message>
    <message>
        <source>Length</source>
        <translation>Extensión</translation>
    </message>
    <message>
        <source>Short: a few key points</source>
        <translation>Breve: unos pocos puntos clave</translation>
    </message>
    <message>
        <source>About one page</source>
        <translation>Una página, aproximadamente</translation>
    </message>
    <message>
        <source>A few points per section</source>
        <translation>Unos pocos puntos por sección</translation>
    </message>
</context>
<context>
    <name>TaskDialog</name>
    <message>
        <source>Pages:</source>
        <translation>Páginas:</translation>
    </message>
    <message>
        <source>all (or a range such as 3-7)</source>
        <translation>todas (o un intervalo como 3-7)</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Páginas</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Empezar</translation>
    </message>
    <message>
        <source>“{text}” is not a page range: write it as 3-7, or 4 for one page.</source>
        <translation>«{text}» no es un intervalo de páginas: escríbalo como 3-7, o 4 para una sola página.</translation>
    </message>
</context>
<context>
    <name>TaskResultWindow</name>
    <message>
        <source>Added</source>
        <translation>Añadido</translation>
    </message>
    <message>
        <source>Removed</source>
        <translation>Quitado</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Cambiado</translation>
    </message>
    <message>
        <source>Moved</source>
        <translation>Movido</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Campo</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valor</translation>
    </message>
    <message>
        <source>Page</source>
        <translation>Página</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Comprobación</translation>
    </message>
    <message>
        <source>p. {pages}</source>
        <translation>pág. {pages}</translation>
    </message>
    <message>
        <source>pp. {pages}</source>
        <translation>págs. {pages}</translation>
    </message>
    <message>
        <source>Beginning</source>
        <translation>Comienzo</translation>
    </message>
    <message>
        <source>{kind}, moved</source>
        <translation>{kind}, movido</translation>
    </message>
    <message>
        <source>old p. {page}</source>
        <translation>pág. {page} antigua</translation>
    </message>
    <message>
        <source>new p. {page}</source>
        <translation>pág. {page} nueva</translation>
    </message>
    <message>
        <source>— Page {page} —</source>
        <translation>— Página {page} —</translation>
    </message>
    <message>
        <source>(partly kept in the original)</source>
        <translation>(en parte, se deja en el original)</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Exportar CSV…</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export Markdown…</source>
        <translation>Exportar Markdown…</translation>
    </message>
    <message>
        <source>{old} → {new}</source>
        <translation>{old} → {new}</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Add to the library</source>
        <translation>Añadir a la biblioteca</translation>
    </message>
    <message>
        <source>Cancel this task</source>
        <translation>Cancelar esta tarea</translation>
    </message>
    <message>
        <source>Parts done</source>
        <translation>Partes hechas</translation>
    </message>
    <message>
        <source>Extracted fields</source>
        <translation>Campos extraídos</translation>
    </message>
    <message>
        <source>Differences</source>
        <translation>Diferencias</translation>
    </message>
    <message>
        <source>What changed</source>
        <translation>Qué cambió</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Trabajando…</translation>
    </message>
    <message>
        <source>{done} of {total} pages done</source>
        <translation>{done} de {total} páginas hechas</translation>
    </message>
    <message>
        <source>{done} of {total} sections compared</source>
        <translation>{done} de {total} secciones comparadas</translation>
    </message>
    <message>
        <source>Combining the points: {done} of {total}</source>
        <translation>Combinando los puntos: {done} de {total}</translation>
    </message>
    <message>
        <source>{done} of {total} parts done</source>
        <translation>{done} de {total} partes hechas</translation>
    </message>
    <message>
        <source>Stopped: only the parts done before Cancel are shown.</source>
        <translation>Detenido: solo se muestran las partes hechas antes de cancelar.</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>Hecho.</translation>
    </message>
    <message>
        <source>The task failed: {message}</source>
        <translation>La tarea falló: {message}</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Cancelando…</translation>
    </message>
    <message>
        <source>No differences.</source>
        <translation>No hay diferencias.</translation>
    </message>
    <message>
        <source>not found</source>
        <translation>no encontrado</translation>
    </message>
    <message>
        <source>⚠ not on the cited page: check by hand</source>
        <translation>⚠ no está en la página citada: compruébelo a mano</translation>
    </message>
    <message>
        <source>✓ on the page</source>
        <translation>✓ está en la página</translation>
    </message>
    <message>
        <source>Numbers, dates or names in this value are not on page {page}</source>
        <translation>Hay números, fechas o nombres de este valor que no están en la página {page}</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportar</translation>
    </message>
    <message>
        <source>that is the document itself</source>
        <translation>es el propio documento</translation>
    </message>
    <message>
        <source>Saving {name}…</source>
        <translation>Guardando {name}…</translation>
    </message>
    <message>
        <source>Saved to {path}</source>
        <translation>Guardado en {path}</translation>
    </message>
    <message>
        <source>Adding {name} to the library…</source>
        <translation>Añadiendo {name} a la biblioteca…</translation>
    </message>
    <message>
        <source>Not saved.</source>
        <translation>No se ha guardado.</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>No se pudo exportar</translation>
    </message>
    <message>
        <source>{path} could not be written: {reason}</source>
        <translation>No se pudo escribir {path}: {reason}</translation>
    </message>
</context>
<context>
    <name>TranslateDialog</name>
    <message>
        <source>Translate to:</source>
        <translation>Traducir a:</translation>
    </message>
    <message>
        <source>Target language</source>
        <translation>Idioma de destino</translation>
    </message>
    <message>
        <source>English</source>
        <translation>Inglés</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>Español</translation>
    </message>
</context>
<context>
    <name>WelcomeDialog</name>
    <message>
        <source>
&lt;h2&gt;Welcome to Confidente&lt;/h2&gt;
&lt;p&gt;&lt;b&gt;Everything stays on this computer.&lt;/b&gt; Confidente never sends what you write or the
documents you add anywhere: the model runs here, and the only connection it can make is a
model download that you start yourself.&lt;/p&gt;
&lt;p&gt;&lt;b&gt;Your data lives in&lt;/b&gt;&lt;br&gt;&lt;code&gt;{data}&lt;/code&gt;&lt;br&gt;
(conversations, the document index and downloaded models) and your settings in
&lt;code&gt;{config}&lt;/code&gt;.&lt;/p&gt;
&lt;p&gt;&lt;b&gt;A better model.&lt;/b&gt; The starter model is small, to prove everything works offline.
For real work open &lt;i&gt;Model → Models…&lt;/i&gt; (Ctrl+M): the catalog shows which models fit this
computer and downloads them, or drag a &lt;code&gt;.gguf&lt;/code&gt; file onto this window.&lt;/p&gt;
&lt;p&gt;&lt;b&gt;Your documents.&lt;/b&gt; Drag files or folders onto the window, then turn on
&lt;i&gt;Answer from documents&lt;/i&gt; to get answers with their sources.&lt;/p&gt;
</source>
        <translation>
&lt;h2&gt;Te damos la bienvenida a Confidente&lt;/h2&gt;
&lt;p&gt;&lt;b&gt;Todo se queda en este ordenador.&lt;/b&gt; Confidente nunca envía a ninguna parte lo que
escribes ni los documentos que añades: el modelo funciona aquí, y la única conexión que puede
hacer es la descarga de un modelo que inicies tú.&lt;/p&gt;
&lt;p&gt;&lt;b&gt;Tus datos están en&lt;/b&gt;&lt;br&gt;&lt;code&gt;{data}&lt;/code&gt;&lt;br&gt;
(las conversaciones, el índice de documentos y los modelos descargados) y tus ajustes en
&lt;code&gt;{config}&lt;/code&gt;.&lt;/p&gt;
&lt;p&gt;&lt;b&gt;Un modelo mejor.&lt;/b&gt; El modelo inicial es pequeño, para demostrar que todo funciona sin
conexión. Para trabajar de verdad abre &lt;i&gt;Modelo → Modelos…&lt;/i&gt; (Ctrl+M): el catálogo muestra
qué modelos caben en este ordenador y los descarga; o arrastra un archivo &lt;code&gt;.gguf&lt;/code&gt; a
esta ventana.&lt;/p&gt;
&lt;p&gt;&lt;b&gt;Tus documentos.&lt;/b&gt; Arrastra archivos o carpetas a la ventana y activa
&lt;i&gt;Responder con los documentos&lt;/i&gt; para obtener respuestas con sus fuentes.&lt;/p&gt;
</translation>
    </message>
    <message>
        <source>Welcome to Confidente</source>
        <translation>Te damos la bienvenida a Confidente</translation>
    </message>
    <message>
        <source>Welcome text</source>
        <translation>Texto de bienvenida</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Empezar</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <source>&amp;Chat</source>
        <translation>&amp;Chat</translation>
    </message>
    <message>
        <source>&amp;New chat</source>
        <translation>&amp;Nuevo chat</translation>
    </message>
    <message>
        <source>Searc&amp;h conversations</source>
        <translation>&amp;Buscar en las conversaciones</translation>
    </message>
    <message>
        <source>&amp;Stop the answer</source>
        <translation>&amp;Detener la respuesta</translation>
    </message>
    <message>
        <source>Se&amp;ttings…</source>
        <translation>&amp;Ajustes…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;Documents</source>
        <translation>&amp;Documentos</translation>
    </message>
    <message>
        <source>Add &amp;files…</source>
        <translation>Añadir &amp;archivos…</translation>
    </message>
    <message>
        <source>Add a f&amp;older…</source>
        <translation>Añadir una &amp;carpeta…</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modelo</translation>
    </message>
    <message>
        <source>&amp;Models…</source>
        <translation>&amp;Modelos…</translation>
    </message>
    <message>
        <source>&amp;Retry loading</source>
        <translation>&amp;Reintentar la carga</translation>
    </message>
</context>
</TS>
